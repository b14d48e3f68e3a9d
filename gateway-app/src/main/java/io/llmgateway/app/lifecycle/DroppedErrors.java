package io.llmgateway.app.lifecycle;

import io.llmgateway.app.persistence.DatabaseFailures;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.codec.DecodingException;
import reactor.core.publisher.Hooks;
import reactor.netty.channel.AbortedException;

/**
 * Errors that Reactor drops because nobody is subscribed any more (a client that went away mid-request, the end of
 * a malformed multipart body after its parts were read) are logged at DEBUG instead of Reactor's ERROR with a stack
 * trace: they are the client's doing, and a hostile client could otherwise fill the log. Anything else is still a
 * WARN. The hook is Reactor's, one per JVM: it is set when the gateway starts and reset when it stops.
 */
public final class DroppedErrors implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DroppedErrors.class);

    public DroppedErrors() {
        Hooks.onErrorDropped(DroppedErrors::dropped);
    }

    private static void dropped(Throwable error) {
        if (error instanceof DecodingException
                || error instanceof IOException
                || error instanceof AbortedException
                || DatabaseFailures.unavailable(error)) {
            log.debug("Dropped after its subscriber left: {}", error.toString());
        } else {
            log.warn("Dropped after its subscriber left: {}", error.toString());
        }
    }

    @Override
    public void destroy() {
        Hooks.resetOnErrorDropped();
    }
}
