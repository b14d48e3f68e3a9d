package io.llmgateway.provider.openai.internal;

import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.error.UpstreamException;
import io.llmgateway.core.provider.Deployment;
import java.util.concurrent.TimeoutException;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Maps what a call to an upstream can fail with (a Reactor timeout, a refused or dropped connection, anything
 * unexpected) to the gateway's {@link UpstreamException}s, the same way for every endpoint of the transport.
 */
public final class TransportErrors {

    private TransportErrors() {
    }

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
                    ? UpstreamException.timeout(deployment.name(), "between-chunks",
                    deployment.timeouts().betweenChunks())
                    : UpstreamException.timeout(deployment.name(), "first-byte", deployment.timeouts().firstByte());
        }
        if (error instanceof WebClientRequestException || isConnectionFailure(error)) {
            return UpstreamException.unreachable(deployment.name(), error);
        }
        return UpstreamException.invalidResponse(deployment.name(), error.getClass().getSimpleName());
    }

    private static boolean isConnectionFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException || t instanceof io.netty.channel.ChannelException) {
                return true;
            }
        }
        return false;
    }
}
