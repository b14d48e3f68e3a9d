package io.llmgateway.provider.openai.internal;

import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.error.UpstreamException;
import io.llmgateway.core.provider.Deployment;
import io.netty.channel.ChannelException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.netty.channel.AbortedException;

/**
 * Maps what a call to an upstream can fail with (a Reactor timeout, a refused or dropped connection, anything
 * unexpected) to the gateway's {@link UpstreamException}s, the same way for every endpoint of the transport.
 */
public final class TransportErrors {

    private TransportErrors() {}

    /**
     * The gateway's exception for {@code error}; a {@link GatewayException} is returned as it is.
     *
     * @param afterFirstChunk whether a streamed answer had started, which makes a timeout the between-chunks one
     */
    public static Throwable map(Deployment deployment, Throwable error, boolean afterFirstChunk) {
        if (error instanceof GatewayException) {
            return error;
        }
        if (error instanceof TimeoutException) {
            return afterFirstChunk
                    ? UpstreamException.timeout(
                            deployment.name(),
                            "between-chunks",
                            deployment.timeouts().betweenChunks())
                    : UpstreamException.timeout(
                            deployment.name(),
                            "first-byte",
                            deployment.timeouts().firstByte());
        }
        if (error instanceof WebClientRequestException || isConnectionFailure(error)) {
            return UpstreamException.unreachable(deployment.name(), error);
        }
        return UpstreamException.invalidResponse(
                deployment.name(), error.getClass().getSimpleName());
    }

    /**
     * A connection that could not be opened, or closed under the call: an I/O error (a refused connection, a reset,
     * Reactor Netty's {@code PrematureCloseException}), a Netty channel error, or Reactor Netty's
     * {@link AbortedException} (a pooled connection closed before the request could be sent), anywhere in the causes.
     */
    private static boolean isConnectionFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof ChannelException || t instanceof AbortedException) {
                return true;
            }
        }
        return false;
    }
}
