package io.llmgateway.app.persistence;

import io.llmgateway.core.error.GatewayException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;

/**
 * What a failed database call means, in one place: the database refused a value for its content (it will refuse it
 * again, however often it is retried), or the database is away (down, frozen, restarting, out of connections) and
 * the call may work later. Everything else is neither.
 */
public final class DatabaseFailures {

    /** The error code of a request that needed the database while it was away. */
    public static final String DATABASE_UNAVAILABLE = "database_unavailable";

    private DatabaseFailures() {}

    /**
     * Whether PostgreSQL refused the statement for the data it carried: SQLSTATE class 22 (data exception, e.g. a NUL
     * character in text or an out-of-range number) or 23 (integrity constraint violation).
     */
    public static boolean refusedContent(Throwable error) {
        String state = sqlState(error);
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /**
     * Whether the database could not be reached or did not answer in time: a connection that failed or closed, a
     * pool with no connection to give, a statement timeout, a server shutting down or not accepting connections.
     */
    public static boolean unavailable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof GatewayException gateway) {
                return DATABASE_UNAVAILABLE.equals(gateway.code());
            }
            if (t instanceof R2dbcNonTransientResourceException
                    || t instanceof R2dbcTransientResourceException
                    || t instanceof R2dbcTimeoutException
                    || t instanceof DataAccessResourceFailureException
                    || t instanceof TransientDataAccessResourceException
                    || t instanceof QueryTimeoutException
                    || t.getClass().getName().startsWith("reactor.pool.")) {
                return true;
            }
            if (t instanceof R2dbcException r2dbc && r2dbc.getSqlState() != null) {
                String state = r2dbc.getSqlState();
                // 08: connection exception; 53: insufficient resources; 57: operator intervention (shutdown,
                // cannot connect now, statement timeout)
                return state.startsWith("08") || state.startsWith("53") || state.startsWith("57");
            }
        }
        return false;
    }

    /** The 503 for a request that needed the database while it was away: retry shortly. */
    public static GatewayException unavailableError() {
        return GatewayException.unavailable(
                "The database is unavailable; retry shortly.", DATABASE_UNAVAILABLE, Duration.ofSeconds(2));
    }

    /** The SQLSTATE of the first R2DBC exception in the cause chain that has one. */
    public static @Nullable String sqlState(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof R2dbcException r2dbc && r2dbc.getSqlState() != null) {
                return r2dbc.getSqlState();
            }
        }
        return null;
    }
}
