package io.llmgateway.provider.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.core.error.UpstreamException;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.Secret;
import io.llmgateway.core.provider.Timeouts;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import reactor.netty.channel.AbortedException;

/** What each way a call can fail becomes: the status, the code, and whether another deployment may be tried. */
class TransportErrorsTests {

    private static final Deployment DEPLOYMENT = new Deployment(
            "dep-a", "openai", URI.create("http://127.0.0.1:1/v1"), Secret.of("sk-test"), "model", Timeouts.DEFAULTS);

    private static UpstreamException map(Throwable error, boolean afterFirstChunk) {
        return (UpstreamException) TransportErrors.map(DEPLOYMENT, error, afterFirstChunk);
    }

    @Test
    void aConnectionThatFailsOrIsClosedUnderTheCallIsUnreachableAndWorthAnotherDeployment() {
        for (Throwable error : new Throwable[] {
            new ConnectException("Connection refused"),
            new ConnectTimeoutException("connection timed out"),
            new IOException("Connection reset by peer"),
            // Reactor Netty: a pooled connection closed before the request could be sent
            AbortedException.beforeSend(),
            new IllegalStateException("wrapped", new IOException("Broken pipe"))
        }) {
            UpstreamException mapped = map(error, false);
            assertThat(mapped.code()).as(error.toString()).isEqualTo("upstream_unreachable");
            assertThat(mapped.status()).isEqualTo(502);
            assertThat(mapped.isTransient())
                    .as("another deployment may be tried")
                    .isTrue();
        }
    }

    @Test
    void aTimeoutIsTheFirstByteOneUntilAChunkHasArrivedAndTheBetweenChunksOneAfter() {
        assertThat(map(new TimeoutException(), false).getMessage()).contains("first-byte");
        assertThat(map(new TimeoutException(), true).getMessage()).contains("between-chunks");
        assertThat(map(new TimeoutException(), true).status()).isEqualTo(504);
    }

    @Test
    void anythingElseIsAnInvalidResponseThatIsNotRetried() {
        UpstreamException mapped = map(new IllegalArgumentException("odd"), false);
        assertThat(mapped.code()).isEqualTo("upstream_invalid_response");
        assertThat(mapped.isTransient()).isFalse();
    }

    @Test
    void theGatewaysOwnErrorsPassThrough() {
        UpstreamException own = UpstreamException.invalidResponse("dep-a", "bad");
        assertThat(TransportErrors.map(DEPLOYMENT, own, false)).isSameAs(own);
    }
}
