package io.llmgateway.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.routing.Route;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

class WarmUpCallerTests {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 40000);
    private static final Route ROUTE = new Route("m", "o", null, null, null, null, List.of(), List.of(), null, null);

    @Test
    void itsTokenIsAcceptedOnlyWhileTheWarmUpRunsAndOnlyFromThisMachine() {
        WarmUpCaller warmUp = new WarmUpCaller();
        String token = warmUp.token();
        assertThat(warmUp.authenticate(token, LOOPBACK))
                .as("before the warm-up")
                .isNull();

        warmUp.open(ROUTE);
        assertThat(warmUp.authenticate(token, LOOPBACK))
                .isNotNull()
                .satisfies(caller -> assertThat(warmUp.is(caller)).isTrue());
        assertThat(warmUp.authenticate(token, new InetSocketAddress("10.1.2.3", 40000)))
                .as("from elsewhere")
                .isNull();
        assertThat(warmUp.authenticate(token + "x", LOOPBACK)).isNull();
        assertThat(warmUp.authenticate("", LOOPBACK)).isNull();
        assertThat(warmUp.authenticate(null, LOOPBACK)).isNull();
        assertThat(warmUp.carries(MockServerHttpRequest.post("/v1/chat/completions")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                        .build()))
                .isTrue();

        warmUp.close();
        assertThat(warmUp.authenticate(token, LOOPBACK)).as("after the warm-up").isNull();
        assertThat(warmUp.carries(MockServerHttpRequest.post("/v1/chat/completions")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                        .build()))
                .isFalse();
        assertThat(new WarmUpCaller().token())
                .as("drawn at random for each process")
                .isNotEqualTo(token);
    }
}
