package io.llmgateway.app.limits;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Counters in Redis, shared by every replica. A reservation is one Lua script, which Redis runs without
 * interleaving any other command: it checks every counter and charges all of them or none. Every operation fails
 * within the command timeout when Redis is slow or unreachable (commands issued while disconnected are rejected at
 * once rather than queued); what a failure means for the request is the caller's policy. Lettuce reconnects by
 * itself when Redis comes back.
 *
 * <p>Counters are integers; the scripts compare them as Lua numbers (doubles), which are exact up to 2^53.
 */
public final class RedisLimitBackend implements LimitBackend, AutoCloseable {

    /** The prefix of every key unless configured otherwise. */
    public static final String DEFAULT_KEY_PREFIX = "llmgw:";

    /** How long a command may take unless configured otherwise. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(250);

    /**
     * KEYS: the counters. ARGV: amount, limit, ttl in milliseconds for each counter in turn. Returns
     * {admitted (1 or 0), index refused at (-1 when admitted), value of each counter...}: the values after the
     * charge when admitted, otherwise as found up to the refused counter and 0 after it.
     */
    private static final String RESERVE_SCRIPT = """
            local count = #KEYS
            local result = {1, -1}
            for i = 1, count do
              local value = tonumber(redis.call('GET', KEYS[i]) or '0')
              result[i + 2] = value
              if value + tonumber(ARGV[3 * i - 2]) > tonumber(ARGV[3 * i - 1]) then
                for j = i + 1, count do
                  result[j + 2] = 0
                end
                result[1] = 0
                result[2] = i - 1
                return result
              end
            end
            for i = 1, count do
              result[i + 2] = redis.call('INCRBY', KEYS[i], ARGV[3 * i - 2])
              local ttl = math.max(tonumber(ARGV[3 * i]), 1)
              if redis.call('PTTL', KEYS[i]) < ttl then
                redis.call('PEXPIRE', KEYS[i], ttl)
              end
            end
            return result
            """;

    /** KEYS: the counters. ARGV: the delta of each. A counter that does not exist (any more) is not created. */
    private static final String ADJUST_SCRIPT = """
            for i = 1, #KEYS do
              if redis.call('EXISTS', KEYS[i]) == 1 then
                redis.call('INCRBY', KEYS[i], ARGV[i])
              end
            end
            return 0
            """;

    /** After a failed connection attempt, requests fail at once for this long instead of each trying again. */
    private static final Duration CONNECT_RETRY_PAUSE = Duration.ofMillis(500);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI redisUri;
    private final String keyPrefix;
    private final Duration commandTimeout;
    private final String reserveDigest = sha1Hex(RESERVE_SCRIPT);
    private final String adjustDigest = sha1Hex(ADJUST_SCRIPT);
    private final AtomicReference<CompletableFuture<StatefulRedisConnection<String, String>>> connection =
            new AtomicReference<>();
    private volatile long lastConnectFailureNanos;
    private volatile boolean closed;

    /** A backend with the default key prefix and command timeout. */
    public RedisLimitBackend(String redisUri) {
        this(redisUri, DEFAULT_KEY_PREFIX, DEFAULT_COMMAND_TIMEOUT);
    }

    /**
     * A backend on the Redis at {@code redisUri} ({@code redis://host:port}, {@code rediss://...} for TLS). Nothing
     * connects yet: the connection is opened on first use, so a gateway starts while Redis is down.
     *
     * @param keyPrefix      put before every counter's key, e.g. {@code llmgw:}
     * @param commandTimeout the longest an operation may wait for Redis before it fails
     */
    public RedisLimitBackend(String redisUri, String keyPrefix, Duration commandTimeout) {
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("commandTimeout must be positive: " + commandTimeout);
        }
        this.keyPrefix = keyPrefix == null ? "" : keyPrefix;
        this.commandTimeout = commandTimeout;
        this.redisUri = RedisURI.create(redisUri);
        this.redisUri.setTimeout(commandTimeout);
        // reconnect attempts back off to at most a second (Lettuce's default goes to 30 s), so that limits work
        // again soon after Redis is back
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofSeconds(1), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(max(commandTimeout, Duration.ofSeconds(1)))
                        .keepAlive(true)
                        .build())
                .build());
    }

    @Override
    public Mono<Reservation> reserve(List<CounterCharge> charges) {
        if (charges.isEmpty()) {
            return Mono.just(Reservation.admitted(new long[0]));
        }
        String[] keys = new String[charges.size()];
        String[] args = new String[charges.size() * 3];
        for (int i = 0; i < charges.size(); i++) {
            CounterCharge charge = charges.get(i);
            keys[i] = keyPrefix + charge.key();
            args[3 * i] = Long.toString(charge.amount());
            args[3 * i + 1] = Long.toString(charge.limit());
            args[3 * i + 2] = Long.toString(charge.ttlMillis());
        }
        // a MULTI reply arrives as one element: the script's array
        return this.<List<Object>>runScript(RESERVE_SCRIPT, reserveDigest, ScriptOutputType.MULTI, keys, args)
                .next()
                .map(reply -> toReservation(reply, charges.size()));
    }

    @Override
    public Mono<Void> adjust(List<CounterCharge> deltas) {
        if (deltas.isEmpty()) {
            return Mono.empty();
        }
        String[] keys = new String[deltas.size()];
        String[] args = new String[deltas.size()];
        for (int i = 0; i < deltas.size(); i++) {
            keys[i] = keyPrefix + deltas.get(i).key();
            args[i] = Long.toString(deltas.get(i).amount());
        }
        return runScript(ADJUST_SCRIPT, adjustDigest, ScriptOutputType.INTEGER, keys, args).then();
    }

    @Override
    public Mono<Void> seed(String key, long value, long ttlMillis) {
        if (ttlMillis <= 0) {
            // it would expire at once, as in the in-process backend
            return Mono.empty();
        }
        return commands()
                .flatMap(redis -> redis.set(keyPrefix + key, Long.toString(value), SetArgs.Builder.nx().px(ttlMillis)))
                .then();
    }

    @Override
    public String name() {
        return "redis";
    }

    /** Closes the connection and releases Lettuce's threads; operations afterwards fail. */
    @Override
    public void close() {
        closed = true;
        client.shutdown(Duration.ZERO, SHUTDOWN_TIMEOUT);
        resources.shutdown(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis());
    }

    /** EVALSHA, and EVAL (which also caches the script again) when Redis does not know the script, e.g. restarted. */
    private <T> Flux<T> runScript(String script, String digest, ScriptOutputType type, String[] keys,
                                  String[] args) {
        return commands().flatMapMany(redis -> redis.<T>evalsha(digest, type, keys, args)
                .onErrorResume(RedisNoScriptException.class, noScript -> redis.eval(script, type, keys, args)));
    }

    /**
     * The connection, opened on first use; waiting for it fails within the command timeout. Each caller waits on
     * its own copy of the shared attempt: giving up cancels only the copy (quietly), and the attempt goes on.
     */
    private Mono<RedisReactiveCommands<String, String>> commands() {
        return Mono.fromFuture(() -> currentConnection().copy())
                .timeout(commandTimeout)
                .onErrorMap(TimeoutException.class, timeout -> new RedisConnectionException(
                        "no connection to Redis at " + redisUri.getHost() + ":" + redisUri.getPort() + " within "
                                + commandTimeout.toMillis() + " ms", timeout))
                .map(StatefulRedisConnection::reactive);
    }

    /**
     * The connection or the attempt to open it, shared by all callers. Once open, Lettuce keeps it (reconnecting as
     * needed); a failed attempt is repeated by the first request after a short pause.
     */
    private CompletableFuture<StatefulRedisConnection<String, String>> currentConnection() {
        while (true) {
            CompletableFuture<StatefulRedisConnection<String, String>> current = connection.get();
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("the Redis limit backend is closed"));
            }
            if (current != null && (!current.isCompletedExceptionally()
                    || System.nanoTime() - lastConnectFailureNanos < CONNECT_RETRY_PAUSE.toNanos())) {
                return current;
            }
            CompletableFuture<StatefulRedisConnection<String, String>> attempt = new CompletableFuture<>();
            if (connection.compareAndSet(current, attempt)) {
                client.connectAsync(StringCodec.UTF8, redisUri).whenComplete((opened, failure) -> {
                    if (failure == null) {
                        attempt.complete(opened);
                    } else {
                        lastConnectFailureNanos = System.nanoTime();
                        attempt.completeExceptionally(failure);
                    }
                });
                return attempt;
            }
        }
    }

    private static Reservation toReservation(List<Object> reply, int counters) {
        if (reply.size() != counters + 2) {
            throw new IllegalStateException("unexpected reply from the reservation script: " + reply);
        }
        long[] values = new long[counters];
        for (int i = 0; i < counters; i++) {
            values[i] = ((Number) reply.get(i + 2)).longValue();
        }
        boolean admitted = ((Number) reply.get(0)).longValue() == 1;
        return admitted ? Reservation.admitted(values)
                : Reservation.refused((int) ((Number) reply.get(1)).longValue(), values);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String sha1Hex(String script) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }
}
