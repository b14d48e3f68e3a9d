package io.llmgateway.app.limits;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;

/** The backend contract on the in-process counters, with the real clock. */
class InProcessLimitBackendTests extends LimitBackendContract {

    private LimitBackend backend;

    @BeforeEach
    void newBackend() {
        backend = new InProcessLimitBackend(Clock.systemUTC(), Duration.ofMinutes(15));
    }

    @Override
    protected LimitBackend backend() {
        return backend;
    }

    /** Counters live in the backend's memory: the test goes on with the new one. */
    @Override
    protected LimitBackend backendWithLease(Duration leaseDuration) {
        backend = new InProcessLimitBackend(Clock.systemUTC(), leaseDuration);
        return backend;
    }
}
