package io.llmgateway.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

/** The client behind trusted proxies, and nobody else's say about it. */
class ClientAddressesTests {

    private final ClientAddresses addresses = new ClientAddresses(List.of("10.0.0.0/8", "fd00::/8", "192.0.2.1"));

    private static MockServerHttpRequest.BaseBuilder<?> from(String peer) {
        return MockServerHttpRequest.get("/v1/models").remoteAddress(new InetSocketAddress(peer, 40000));
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItsHeadersSay() {
        assertThat(addresses.of(from("198.51.100.1")
                        .header("X-Forwarded-For", "203.0.113.9")
                        .build()))
                .isEqualTo("198.51.100.1");
    }

    @Test
    void behindTrustedProxiesTheClientIsTheNearestUntrustedHop() {
        assertThat(addresses.of(from("10.1.2.3")
                        .header("X-Forwarded-For", "6.6.6.6, 203.0.113.9, 10.9.9.9")
                        .build()))
                .as("the left part is the client's own claim")
                .isEqualTo("203.0.113.9");
        assertThat(addresses.of(from("10.1.2.3")
                        .header("Forwarded", "for=6.6.6.6, for=\"[2001:db8::17]:4711\";proto=https")
                        .build()))
                .isEqualTo("2001:db8:0:0:0:0:0:17");
        assertThat(addresses.of(from("192.0.2.1")
                        .header("X-Forwarded-For", "203.0.113.9:5555")
                        .build()))
                .isEqualTo("203.0.113.9");
        assertThat(addresses.of(from("10.1.2.3").build())).as("no header").isEqualTo("10.1.2.3");
        assertThat(addresses.of(
                        from("10.1.2.3").header("X-Forwarded-For", "unknown").build()))
                .as("a hop that is not an address")
                .isEqualTo("10.1.2.3");
        assertThat(addresses.of(from("10.1.2.3")
                        .header("X-Forwarded-For", "10.4.4.4, 10.5.5.5")
                        .build()))
                .as("only proxies")
                .isEqualTo("10.4.4.4");
    }

    @Test
    void anInvalidSettingStopsTheGatewayWithItsName() {
        assertThatThrownBy(() -> new ClientAddresses(List.of("ingress.local")))
                .hasMessageContaining("gateway.http.trusted-proxies");
        assertThatThrownBy(() -> new ClientAddresses(List.of("10.0.0.0/33"))).hasMessageContaining("prefix length");
    }
}
