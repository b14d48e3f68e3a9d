package io.llmgateway.app.limits;

import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;

/** The backend contract on the in-process counters, with the real clock. */
class InProcessLimitBackendTests extends LimitBackendContract {

    private LimitBackend backend;

    @BeforeEach
    void newBackend() {
        backend = new InProcessLimitBackend(Clock.systemUTC());
    }

    @Override
    protected LimitBackend backend() {
        return backend;
    }
}
