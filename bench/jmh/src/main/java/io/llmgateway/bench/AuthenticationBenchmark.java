package io.llmgateway.bench;

import io.llmgateway.auth.Caller;
import io.llmgateway.auth.CallerResolver;
import io.llmgateway.auth.KeyVerifier;
import io.llmgateway.auth.LastUsedRecorder;
import io.llmgateway.auth.identity.CachedIdentityStore;
import io.llmgateway.auth.identity.IdentityStore;
import io.llmgateway.auth.identity.KeyRecord;
import io.llmgateway.auth.identity.ProjectRecord;
import io.llmgateway.auth.identity.UserRecord;
import io.llmgateway.auth.key.ApiKeyFormat;
import io.llmgateway.auth.key.KeyKind;
import io.llmgateway.auth.key.SecretHash;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import reactor.core.publisher.Mono;

/**
 * What authenticating one request costs the data plane: the key's format and checksum, the cached key look-up,
 * the secret's SHA-256 against its hash, and the caller rules with the cached project look-up, for a service key
 * (the path of {@code DataPlaneAuthenticationFilter}, minus HTTP). The stores answer from memory behind the same
 * caches the gateway uses, as they do once warm.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AuthenticationBenchmark {

    private KeyVerifier verifier;
    private CallerResolver callers;
    private String token;

    @Setup
    public void setUp() {
        ApiKeyFormat.IssuedKey key = new ApiKeyFormat().issue(KeyKind.SERVICE);
        KeyRecord stored = new KeyRecord(key.keyId(), KeyKind.SERVICE, "bench", null, "bench",
                SecretHash.of(key.secret()), null, null, null, null);
        ProjectRecord project = new ProjectRecord("bench", "bench", null, false);
        IdentityStore memory = new IdentityStore() {
            @Override
            public Mono<KeyRecord> findKey(String keyId) {
                return keyId.equals(stored.id()) ? Mono.just(stored) : Mono.empty();
            }

            @Override
            public Mono<UserRecord> findUser(String userId) {
                return Mono.empty();
            }

            @Override
            public Mono<ProjectRecord> findProject(String projectId) {
                return projectId.equals("bench") ? Mono.just(project) : Mono.empty();
            }

            @Override
            public Mono<String> findRole(String projectId, String userId) {
                return Mono.empty();
            }
        };
        CachedIdentityStore cached = new CachedIdentityStore(memory, Duration.ofMinutes(5), Duration.ofHours(1), 100_000,
                error -> false);
        verifier = new KeyVerifier(cached, new LastUsedRecorder(), Clock.systemUTC());
        callers = new CallerResolver(cached);
        token = key.token();
    }

    /** Verify the key and resolve the caller, as the filter does for every data-plane request. */
    @Benchmark
    public Caller authenticate() {
        return verifier.verify(token)
                .flatMap(key -> callers.resolve(key, "bench-user", null))
                .block();
    }

    /** The secret's hash alone (one SHA-256 of 43 characters). */
    @Benchmark
    public byte[] hashSecret() {
        return SecretHash.of(token);
    }
}
