package io.llmgateway.app.console;

import io.llmgateway.auth.key.SecretHash;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.WebSessionStore;
import reactor.core.publisher.Mono;

/**
 * Console sessions in PostgreSQL, so that any replica serves any session. A session is written when it starts or
 * its attributes change, and otherwise at most once a minute to move its idle deadline; it ends after
 * {@code session-idle-timeout} without a request or {@code session-max-age} after it began, whichever is first.
 * The table keys a session by the SHA-256 of its cookie's value.
 */
public class ConsoleSessionStore implements WebSessionStore {

    /** The most a session's idle deadline lags behind its requests: a minute, or less for a short timeout. */
    private static final Duration TOUCH_AT_MOST_EVERY = Duration.ofMinutes(1);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DatabaseClient db;
    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration maxAge;
    private final Duration touchEvery;

    public ConsoleSessionStore(DatabaseClient db, Clock clock, ConsoleProperties properties) {
        this.db = db;
        this.clock = clock;
        this.idleTimeout = properties.sessionIdleTimeout();
        this.maxAge = properties.sessionMaxAge();
        Duration quarter = idleTimeout.dividedBy(4);
        this.touchEvery = quarter.compareTo(TOUCH_AT_MOST_EVERY) < 0 ? quarter : TOUCH_AT_MOST_EVERY;
    }

    @Override
    public Mono<WebSession> createWebSession() {
        Instant now = clock.instant();
        return Mono.just(new StoredSession(newId(), new ConcurrentHashMap<>(), now, now, idleTimeout, null));
    }

    @Override
    public Mono<WebSession> retrieveSession(String sessionId) {
        return db.sql("SELECT attributes, created_at, last_accessed_at, max_idle_seconds FROM console_sessions"
                        + " WHERE id = :id AND expires_at > now()")
                .bind("id", key(sessionId))
                .map(row -> new StoredSession(
                        sessionId,
                        new ConcurrentHashMap<>(SessionAttributes.read(row.get("attributes", byte[].class))),
                        row.get("created_at", OffsetDateTime.class).toInstant(),
                        row.get("last_accessed_at", OffsetDateTime.class).toInstant(),
                        Duration.ofSeconds(row.get("max_idle_seconds", Integer.class)),
                        row.get("attributes", byte[].class)))
                .one()
                .filter(session -> !session.isExpired())
                // a request is an access: the idle deadline moves (Spring's session manager leaves this to the store)
                .doOnNext(session -> session.lastAccessTime = clock.instant())
                .cast(WebSession.class);
    }

    @Override
    public Mono<Void> removeSession(String sessionId) {
        return db.sql("DELETE FROM console_sessions WHERE id = :id")
                .bind("id", key(sessionId))
                .fetch()
                .rowsUpdated()
                .then();
    }

    @Override
    public Mono<WebSession> updateLastAccessTime(WebSession session) {
        ((StoredSession) session).lastAccessTime = clock.instant();
        return Mono.just(session);
    }

    /** Deletes the sessions that have ended; run now and then. */
    public Mono<Long> deleteExpired() {
        return db.sql("DELETE FROM console_sessions WHERE expires_at <= now()")
                .fetch()
                .rowsUpdated();
    }

    private static String newId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String key(String sessionId) {
        return HexFormat.of().formatHex(SecretHash.of(sessionId));
    }

    private final class StoredSession implements WebSession {

        private volatile String id;
        private final Map<String, Object> attributes;
        private final Instant creationTime;
        private volatile Instant lastAccessTime;
        private volatile Instant lastWrittenAccess;
        private volatile Duration maxIdleTime;
        private volatile boolean started;
        private volatile byte @Nullable [] written;

        StoredSession(
                String id,
                Map<String, Object> attributes,
                Instant creationTime,
                Instant lastAccessTime,
                Duration maxIdleTime,
                byte @Nullable [] written) {
            this.id = id;
            this.attributes = attributes;
            this.creationTime = creationTime;
            this.lastAccessTime = lastAccessTime;
            this.lastWrittenAccess = lastAccessTime;
            this.maxIdleTime = maxIdleTime;
            this.written = written;
            this.started = written != null;
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public Map<String, Object> getAttributes() {
            return attributes;
        }

        @Override
        public void start() {
            started = true;
        }

        @Override
        public boolean isStarted() {
            return started || !attributes.isEmpty();
        }

        @Override
        public Mono<Void> changeSessionId() {
            String old = id;
            id = newId();
            byte[] before = written;
            written = null;
            return before == null ? Mono.empty() : removeSession(old);
        }

        @Override
        public Mono<Void> invalidate() {
            attributes.clear();
            started = false;
            byte[] before = written;
            written = null;
            return before == null ? Mono.empty() : removeSession(id);
        }

        @Override
        public Mono<Void> save() {
            if (!isStarted()) {
                return Mono.empty();
            }
            byte[] bytes = SessionAttributes.write(attributes);
            byte[] before = written;
            boolean changed = before == null || !Arrays.equals(bytes, before);
            if (!changed && Duration.between(lastWrittenAccess, lastAccessTime).compareTo(touchEvery) < 0) {
                return Mono.empty();
            }
            Instant expires = earliest(lastAccessTime.plus(maxIdleTime), creationTime.plus(maxAge));
            // a stored session is only ever updated: one that sign-out deleted meanwhile stays deleted
            DatabaseClient.GenericExecuteSpec statement =
                    before == null ? db.sql("""
                            INSERT INTO console_sessions
                              (id, attributes, created_at, last_accessed_at, max_idle_seconds, expires_at)
                            VALUES (:id, :attributes, :created, :accessed, :idle, :expires)
                            ON CONFLICT (id) DO NOTHING""").bind("created", creationTime.atOffset(ZoneOffset.UTC)) : db.sql("""
                            UPDATE console_sessions SET attributes = :attributes, last_accessed_at = :accessed,
                              max_idle_seconds = :idle, expires_at = :expires
                            WHERE id = :id""");
            return statement
                    .bind("id", key(id))
                    .bind("attributes", bytes)
                    .bind("accessed", lastAccessTime.atOffset(ZoneOffset.UTC))
                    .bind("idle", (int) Math.min(Integer.MAX_VALUE, maxIdleTime.toSeconds()))
                    .bind("expires", expires.atOffset(ZoneOffset.UTC))
                    .fetch()
                    .rowsUpdated()
                    .doOnSuccess(done -> {
                        written = bytes;
                        lastWrittenAccess = lastAccessTime;
                    })
                    .then();
        }

        @Override
        public boolean isExpired() {
            Instant now = clock.instant();
            return !now.isBefore(lastAccessTime.plus(maxIdleTime)) || !now.isBefore(creationTime.plus(maxAge));
        }

        @Override
        public Instant getCreationTime() {
            return creationTime;
        }

        @Override
        public Instant getLastAccessTime() {
            return lastAccessTime;
        }

        @Override
        public void setMaxIdleTime(Duration maxIdleTime) {
            this.maxIdleTime = maxIdleTime;
        }

        @Override
        public Duration getMaxIdleTime() {
            return maxIdleTime;
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
