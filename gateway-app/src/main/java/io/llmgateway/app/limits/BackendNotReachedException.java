package io.llmgateway.app.limits;

/**
 * An operation that never reached the limits backend (no connection, or rejected before it was sent): unlike a
 * timeout, it certainly did not happen, so a reservation that failed this way needs no release.
 */
final class BackendNotReachedException extends RuntimeException {

    BackendNotReachedException(Throwable cause) {
        super(cause.getMessage(), cause, false, false);
    }
}
