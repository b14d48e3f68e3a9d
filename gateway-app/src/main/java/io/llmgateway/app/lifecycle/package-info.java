/**
 * Start and stop of what runs beside requests: {@link BackgroundSubscription} (a reactive loop from start to stop, such
 * as a {@code LISTEN}), {@link PeriodicWork} and {@link PeriodicFlush} (rounds that write what requests left in memory,
 * once more at shutdown), {@link StreamShutdown} (open streams ended with an error event when the graceful period is
 * over) and {@link DroppedErrors} (Reactor's dropped errors logged quietly).
 *
 * <p>Depends only on {@code app.persistence} and {@code core.error} among the gateway's packages, so that every feature
 * may use it.
 */
@NullMarked
package io.llmgateway.app.lifecycle;

import org.jspecify.annotations.NullMarked;
