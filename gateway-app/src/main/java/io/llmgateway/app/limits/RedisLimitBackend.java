package io.llmgateway.app.limits;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
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
import java.util.function.IntFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Counters in Redis, shared by every replica. A reservation is one Lua script, which Redis runs without
 * interleaving any other command: it checks every counter and charges all of them or none; a settlement is
 * another. Every operation fails within the command timeout when Redis is slow or unreachable (commands issued
 * while disconnected are rejected at once rather than queued); what a failure means for the request is the
 * caller's policy. Lettuce reconnects by itself when Redis comes back.
 *
 * <p>Keys, all under the key prefix:
 * <ul>
 *   <li>{@code <counter>}: a window or budget counter, an integer;</li>
 *   <li>{@code <counter>:leases}: a budget's open reservations, a sorted set of {@code <amount>:<id>} scored by when
 *       the lease expires; expired ones are given back by the next reservation on the counter;</li>
 *   <li>{@code <counter>} of a concurrency limit: a sorted set of reservation ids scored by when the lease expires,
 *       counted after dropping the expired ones;</li>
 *   <li>{@code res:<id>}: a reservation's record, {@code o} while open, {@code d} once settled or released (a
 *       tombstone that a late or repeated reservation honours), kept for a lease plus two minutes.</li>
 * </ul>
 * Lease times come from Redis's own clock ({@code TIME}), never from a replica's.
 *
 * <p>Counters are integers; the scripts compare them as Lua numbers (doubles), which are exact up to 2^53.
 */
public final class RedisLimitBackend implements LimitBackend, AutoCloseable {

    /** The prefix of every key unless configured otherwise. */
    public static final String DEFAULT_KEY_PREFIX = "llmgw:";

    /** How long a command may take unless configured otherwise. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(250);

    /** How long a reservation holds its slots and budget amounts unsettled unless configured otherwise. */
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofMinutes(15);

    /** Expired budget leases given back per counter and reservation, at most: the rest go with the next ones. */
    private static final int SWEEP_LIMIT = 100;

    /**
     * KEYS: the reservation's record, then each counter's key and its leases' key. ARGV: the reservation id, the
     * lease and how long records are kept (ms), then for each counter: type (w, b, s), amount, limit, ttl (ms) and
     * seed ('' for none). Returns {outcome, index refused at (-1 unless refused), leases expired, ...}: outcome 1
     * (admitted) or 0 (refused) followed by the value of each counter, as in {@link Reservation}; 2 (unseeded)
     * followed by the 0-based indexes of the budget counters that do not exist; 3 (settled or released already).
     */
    private static final String RESERVE_SCRIPT = """
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local id, lease, keep = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
            local count = (#KEYS - 1) / 2
            local state = redis.call('GET', KEYS[1])
            if state == 'd' then
              return {3, -1, 0}
            end
            local expired = 0
            local values = {}
            local unseeded = {}
            for i = 1, count do
              local key, leases, a = KEYS[2 * i], KEYS[2 * i + 1], 3 + 5 * (i - 1)
              local kind = ARGV[a + 1]
              if kind == 's' then
                expired = expired + redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
                values[i] = redis.call('ZCARD', key)
              else
                if kind == 'b' then
                  local due = redis.call('ZRANGEBYSCORE', leases, '-inf', now, 'LIMIT', 0, %d)
                  if #due > 0 then
                    local refund = 0
                    for _, member in ipairs(due) do
                      refund = refund + tonumber(string.match(member, '^(%%d+):'))
                    end
                    redis.call('ZREM', leases, unpack(due))
                    expired = expired + #due
                    if redis.call('EXISTS', key) == 1 then
                      local left = redis.call('DECRBY', key, refund)
                      if left < 0 then
                        redis.call('INCRBY', key, -left)
                      end
                    end
                  end
                end
                local value = redis.call('GET', key)
                if not value and kind == 'b' then
                  if ARGV[a + 5] == '' then
                    unseeded[#unseeded + 1] = i - 1
                  else
                    redis.call('SET', key, ARGV[a + 5], 'PX', math.max(tonumber(ARGV[a + 4]), 1))
                    value = ARGV[a + 5]
                  end
                end
                values[i] = tonumber(value or '0')
              end
            end
            local result = {1, -1, expired}
            if state == 'o' then
              for i = 1, count do
                result[i + 3] = values[i]
              end
              return result
            end
            if #unseeded > 0 then
              result[1] = 2
              for i = 1, #unseeded do
                result[i + 3] = unseeded[i]
              end
              return result
            end
            for i = 1, count do
              local a = 3 + 5 * (i - 1)
              local amount = 1
              if ARGV[a + 1] ~= 's' then
                amount = tonumber(ARGV[a + 2])
              end
              result[i + 3] = values[i]
              if values[i] + amount > tonumber(ARGV[a + 3]) then
                for j = i + 1, count do
                  result[j + 3] = 0
                end
                result[1] = 0
                result[2] = i - 1
                return result
              end
            end
            for i = 1, count do
              local key, leases, a = KEYS[2 * i], KEYS[2 * i + 1], 3 + 5 * (i - 1)
              local kind, ttl = ARGV[a + 1], math.max(tonumber(ARGV[a + 4]), 1)
              if kind == 's' then
                redis.call('ZADD', key, now + lease, id)
                result[i + 3] = values[i] + 1
                ttl = math.max(ttl, keep)
              else
                result[i + 3] = redis.call('INCRBY', key, ARGV[a + 2])
                if kind == 'b' then
                  redis.call('ZADD', leases, now + lease, ARGV[a + 2] .. ':' .. id)
                  if redis.call('PTTL', leases) < ttl then
                    redis.call('PEXPIRE', leases, ttl)
                  end
                end
              end
              if redis.call('PTTL', key) < ttl then
                redis.call('PEXPIRE', key, ttl)
              end
            end
            redis.call('SET', KEYS[1], 'o', 'PX', keep)
            return result
            """.formatted(SWEEP_LIMIT);

    /**
     * KEYS: the reservation's record, then each counter's key and its leases' key. ARGV: the reservation id, how
     * long records are kept (ms), then for each counter: type, amount reserved, amount used. A counter that still
     * holds the reservation is corrected by used - reserved; one that lost it (a restart, an expired lease) gets
     * what was used; a missing counter is never created, and none goes below zero. Returns 1, or 0 when the
     * reservation was settled or released already (and nothing is done).
     */
    private static final String SETTLE_SCRIPT = """
            local state = redis.call('GET', KEYS[1])
            if state == 'd' then
              return 0
            end
            redis.call('SET', KEYS[1], 'd', 'PX', ARGV[2])
            for i = 1, (#KEYS - 1) / 2 do
              local key, leases, a = KEYS[2 * i], KEYS[2 * i + 1], 2 + 3 * (i - 1)
              local kind, reserved, used = ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3])
              if kind == 's' then
                redis.call('ZREM', key, ARGV[1])
              else
                local held = state == 'o'
                if kind == 'b' then
                  held = redis.call('ZREM', leases, reserved .. ':' .. ARGV[1]) == 1
                end
                local delta = used
                if held then
                  delta = used - tonumber(reserved)
                end
                if delta ~= 0 and redis.call('EXISTS', key) == 1 then
                  local value = redis.call('INCRBY', key, delta)
                  if value < 0 then
                    redis.call('INCRBY', key, -value)
                  end
                end
              end
            end
            return 1
            """;

    /** After a failed connection attempt, requests fail at once for this long instead of each trying again. */
    private static final Duration CONNECT_RETRY_PAUSE = Duration.ofMillis(500);

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI redisUri;
    private final String keyPrefix;
    private final Duration commandTimeout;
    private final String leaseMillis;
    private final String recordMillis;
    private final String reserveDigest = sha1Hex(RESERVE_SCRIPT);
    private final String settleDigest = sha1Hex(SETTLE_SCRIPT);
    private final AtomicReference<CompletableFuture<StatefulRedisConnection<String, String>>> connection =
            new AtomicReference<>();
    private volatile long lastConnectFailureNanos;
    private volatile boolean closed;

    /** A backend with the default key prefix, command timeout and lease duration. */
    public RedisLimitBackend(String redisUri) {
        this(redisUri, DEFAULT_KEY_PREFIX, DEFAULT_COMMAND_TIMEOUT, DEFAULT_LEASE_DURATION);
    }

    /**
     * A backend on the Redis at {@code redisUri} ({@code redis://host:port}, {@code rediss://...} for TLS). Nothing
     * connects yet: the connection is opened on first use, so a gateway starts while Redis is down.
     *
     * @param keyPrefix      put before every counter's key, e.g. {@code llmgw:}
     * @param commandTimeout the longest an operation may wait for Redis before it fails
     * @param leaseDuration  how long a reservation holds its slots and budget amounts without being settled
     */
    public RedisLimitBackend(String redisUri, String keyPrefix, Duration commandTimeout, Duration leaseDuration) {
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("commandTimeout must be positive: " + commandTimeout);
        }
        this.leaseMillis = Long.toString(Leases.checked(leaseDuration).toMillis());
        this.recordMillis = Long.toString(Leases.recordMillis(leaseDuration));
        this.keyPrefix = keyPrefix == null ? "" : keyPrefix;
        this.commandTimeout = commandTimeout;
        this.redisUri = RedisURI.create(redisUri);
        this.redisUri.setTimeout(commandTimeout);
        // reconnect attempts back off to at most a second (Lettuce's default goes to 30 s), so that limits work
        // again soon after Redis is back
        this.resources = ClientResources.builder()
                .reconnectDelay(
                        Delay.exponential(Duration.ofMillis(20), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
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
    public Mono<Reservation> reserve(String id, List<CounterCharge> charges) {
        if (charges.isEmpty()) {
            return Mono.just(Reservation.admitted(new long[0]));
        }
        String[] keys = keys(id, charges.size(), i -> charges.get(i).key());
        String[] args = new String[3 + charges.size() * 5];
        args[0] = id;
        args[1] = leaseMillis;
        args[2] = recordMillis;
        for (int i = 0; i < charges.size(); i++) {
            CounterCharge charge = charges.get(i);
            int a = 3 + 5 * i;
            args[a] = charge.type().wire;
            args[a + 1] = Long.toString(charge.amount());
            args[a + 2] = Long.toString(charge.limit());
            args[a + 3] = Long.toString(charge.ttlMillis());
            args[a + 4] =
                    charge.type() != CounterType.BUDGET || charge.seed() == null ? "" : Long.toString(charge.seed());
        }
        // a MULTI reply arrives as one element: the script's array
        return this.<List<Object>>runScript(RESERVE_SCRIPT, reserveDigest, ScriptOutputType.MULTI, keys, args)
                .next()
                .map(reply -> toReservation(reply, charges.size()));
    }

    @Override
    public Mono<Void> settle(String id, List<CounterUsage> usages) {
        String[] keys = keys(id, usages.size(), i -> usages.get(i).reserved().key());
        String[] args = new String[2 + usages.size() * 3];
        args[0] = id;
        args[1] = recordMillis;
        for (int i = 0; i < usages.size(); i++) {
            CounterUsage usage = usages.get(i);
            int a = 2 + 3 * i;
            args[a] = usage.reserved().type().wire;
            args[a + 1] = Long.toString(usage.reserved().amount());
            args[a + 2] = Long.toString(usage.used());
        }
        return runScript(SETTLE_SCRIPT, settleDigest, ScriptOutputType.INTEGER, keys, args)
                .then();
    }

    /** The reservation's record, then each counter's key and its leases' key, all prefixed. */
    private String[] keys(String id, int counters, IntFunction<String> counterKey) {
        String[] keys = new String[1 + 2 * counters];
        keys[0] = keyPrefix + "res:" + id;
        for (int i = 0; i < counters; i++) {
            String key = keyPrefix + counterKey.apply(i);
            keys[1 + 2 * i] = key;
            keys[2 + 2 * i] = key + ":leases";
        }
        return keys;
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
        resources
                .shutdown(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis());
    }

    /** EVALSHA, and EVAL (which also caches the script again) when Redis does not know the script, e.g. restarted. */
    private <T> Flux<T> runScript(String script, String digest, ScriptOutputType type, String[] keys, String[] args) {
        return commands()
                .flatMapMany(redis -> redis.<T>evalsha(digest, type, keys, args)
                        .onErrorResume(RedisNoScriptException.class, noScript -> redis.eval(script, type, keys, args)))
                .onErrorMap(RedisLimitBackend::notSent, BackendNotReachedException::new);
    }

    /**
     * Whether a failure certainly happened before the command reached Redis: no connection, or a command rejected
     * while disconnected. A timeout is not: the command may have run, or may still run.
     */
    private static boolean notSent(Throwable error) {
        return error instanceof RedisConnectionException
                || error instanceof RedisException
                        && error.getMessage() != null
                        && error.getMessage().startsWith("Currently not connected");
    }

    /**
     * The connection, opened on first use; waiting for it fails within the command timeout. Each caller waits on
     * its own copy of the shared attempt: giving up cancels only the copy (quietly), and the attempt goes on.
     */
    private Mono<RedisReactiveCommands<String, String>> commands() {
        return Mono.fromFuture(() -> currentConnection().copy())
                .timeout(commandTimeout)
                .onErrorMap(
                        TimeoutException.class,
                        timeout -> new RedisConnectionException(
                                "no connection to Redis at " + redisUri.getHost() + ":" + redisUri.getPort()
                                        + " within " + commandTimeout.toMillis() + " ms",
                                timeout))
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
            if (current != null
                    && (!current.isCompletedExceptionally()
                            || System.nanoTime() - lastConnectFailureNanos < CONNECT_RETRY_PAUSE.toNanos())) {
                return current;
            }
            CompletableFuture<StatefulRedisConnection<String, String>> attempt = new CompletableFuture<>();
            if (connection.compareAndSet(current, attempt)) {
                // the outcome is handed to attempt, either way
                var unused = client.connectAsync(StringCodec.UTF8, redisUri).whenComplete((opened, failure) -> {
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
        long outcome = number(reply, 0);
        int expired = (int) number(reply, 2);
        if (outcome == 3) {
            return Reservation.released();
        }
        if (outcome == 2) {
            int[] unseeded = new int[reply.size() - 3];
            for (int i = 0; i < unseeded.length; i++) {
                unseeded[i] = (int) number(reply, i + 3);
            }
            return Reservation.unseeded(unseeded, expired);
        }
        if (reply.size() != counters + 3) {
            throw new IllegalStateException("unexpected reply from the reservation script: " + reply);
        }
        long[] values = new long[counters];
        for (int i = 0; i < counters; i++) {
            values[i] = number(reply, i + 3);
        }
        return outcome == 1
                ? Reservation.admitted(values, expired)
                : Reservation.refused((int) number(reply, 1), values, expired);
    }

    private static long number(List<Object> reply, int index) {
        return ((Number) reply.get(index)).longValue();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String sha1Hex(String script) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }
}
