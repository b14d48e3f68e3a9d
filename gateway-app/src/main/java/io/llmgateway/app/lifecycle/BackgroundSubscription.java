package io.llmgateway.app.lifecycle;

import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;

/** A reactive pipeline that runs in the background from {@link #start()} to {@link #stop()}. */
public abstract class BackgroundSubscription implements SmartLifecycle {

    private volatile @Nullable Disposable subscription;

    /** Subscribes the pipeline; called once at start. */
    protected abstract Disposable subscribe();

    @Override
    public void start() {
        subscription = subscribe();
    }

    @Override
    public void stop() {
        Disposable current = subscription;
        if (current != null) {
            current.dispose();
        }
        subscription = null;
    }

    @Override
    public boolean isRunning() {
        Disposable current = subscription;
        return current != null && !current.isDisposed();
    }
}
