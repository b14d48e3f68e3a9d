package io.llmgateway.app.pipeline;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.llmgateway.app.config.RoutingProperties.ModelType;
import io.llmgateway.app.routing.Route;
import io.llmgateway.app.routing.StreamUsage;
import io.llmgateway.app.usage.Price;
import io.llmgateway.core.profile.ParameterProfile;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.Secret;
import io.llmgateway.core.provider.Timeouts;
import io.llmgateway.core.tokens.TokenCounter;
import io.llmgateway.provider.openai.OpenAiProviderFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * Warms the request path before the gateway says it is ready, so that the first users after a deploy or a scale-out
 * do not pay for the JIT compiler: synthetic chat requests, JSON and streamed, take the gateway's whole path, from
 * its own HTTP port through authentication, the pipeline and the OpenAI-compatible adapter with its HTTP client, to
 * an upstream in process ({@link WarmUpUpstream}) and back.
 *
 * <p>Spring Boot reports readiness only after its application runners: while this runs, the readiness probe says
 * not ready. After the requests it waits for the JIT compiler to finish what they set off (within the same time-out),
 * so that the first users do not share the CPU with it either. The requests are nobody's: they carry the one-time token of {@link WarmUpCaller}, the pipeline records
 * none of them, they leave no server metric, and the synthetic deployment's circuit breaker, bulkhead and upstream
 * metrics are removed again. A warm-up that fails or runs out of time is logged and never stops the start.
 */
public final class PipelineWarmUp implements ApplicationRunner {

    static final String MODEL = WarmUpCaller.NAME;
    private static final Logger log = LoggerFactory.getLogger(PipelineWarmUp.class);
    private static final int CONCURRENCY = 4;
    private static final long QUIET_WINDOW_MS = 500;

    private final WarmUpCaller caller;
    private final ParameterProfile profile;
    private final TokenCounter tokenizer;
    private final JsonMapper json;
    private final CircuitBreakerRegistry circuitBreakers;
    private final BulkheadRegistry bulkheads;
    private final MeterRegistry meters;
    private final WarmUpProperties properties;
    private final ApplicationContext context;
    private final AtomicInteger completed = new AtomicInteger();
    private volatile boolean compilerQuiet;

    /**
     * @param profile   the parameter profile of the synthetic route (the default one)
     * @param tokenizer the tokenizer of the synthetic route (the default one)
     */
    PipelineWarmUp(
            WarmUpCaller caller,
            ParameterProfile profile,
            TokenCounter tokenizer,
            JsonMapper json,
            CircuitBreakerRegistry circuitBreakers,
            BulkheadRegistry bulkheads,
            MeterRegistry meters,
            WarmUpProperties properties,
            ApplicationContext context) {
        this.caller = caller;
        this.profile = profile;
        this.tokenizer = tokenizer;
        this.json = json;
        this.circuitBreakers = circuitBreakers;
        this.bulkheads = bulkheads;
        this.meters = meters;
        this.properties = properties;
        this.context = context;
    }

    /** The synthetic requests answered with 200. */
    int completed() {
        return completed.get();
    }

    /** Whether the JIT compiler had finished what the warm-up set off when it ended. */
    boolean compilerQuiet() {
        return compilerQuiet;
    }

    @Override
    public void run(ApplicationArguments arguments) {
        if (properties.requests() == 0 || !(context instanceof WebServerApplicationContext web)) {
            return;
        }
        long started = System.nanoTime();
        OpenAiProviderFactory providers = new OpenAiProviderFactory(
                json,
                new OpenAiProviderFactory.PoolSettings(CONCURRENCY, Duration.ofSeconds(30), 1024 * 1024, 64 * 1024));
        ConnectionProvider connections = ConnectionProvider.create(MODEL, CONCURRENCY);
        try (WarmUpUpstream upstream = WarmUpUpstream.start()) {
            caller.open(route(providers, upstream.baseUrl()));
            String host = context.getEnvironment().getProperty("server.address", "127.0.0.1");
            if (host.equals("0.0.0.0") || host.equals("::")) {
                host = "127.0.0.1";
            }
            HttpClient client = HttpClient.create(connections)
                    .baseUrl("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                            + Objects.requireNonNull(web.getWebServer(), "the server has started")
                                    .getPort())
                    .headers(headers -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + caller.token())
                            .set(HttpHeaderNames.CONTENT_TYPE, "application/json"));
            Flux.range(0, properties.requests())
                    .flatMap(i -> one(client, i), CONCURRENCY)
                    .then()
                    .toFuture()
                    .get(properties.timeout().toMillis(), TimeUnit.MILLISECONDS);
            long sent = System.nanoTime();
            boolean quiet = awaitQuietCompiler(started + properties.timeout().toNanos());
            compilerQuiet = quiet;
            log.info(
                    "Warmed the request path with {} synthetic requests in {} ms; the JIT compiler {} {} ms later",
                    completed.get(),
                    TimeUnit.NANOSECONDS.toMillis(sent - started),
                    quiet ? "was done" : "was still busy at the time-out",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
        } catch (TimeoutException e) {
            log.warn(
                    "The warm-up ran out of its {} after {} synthetic requests; the gateway starts anyway",
                    properties.timeout(),
                    completed.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            log.warn(
                    "The warm-up failed after {} synthetic requests; the gateway starts anyway: {}",
                    completed.get(),
                    String.valueOf(cause));
        } finally {
            caller.close();
            connections.dispose();
            providers.close();
            circuitBreakers.remove(MODEL);
            bulkheads.remove(MODEL);
            // the upstream call's own metrics, labelled with the synthetic deployment
            meters.getMeters().stream()
                    .filter(meter -> MODEL.equals(meter.getId().getTag("gateway.deployment")))
                    .toList()
                    .forEach(meters::remove);
        }
    }

    /**
     * Waits until the JIT compiler has compiled what the synthetic requests set off, or the deadline: in a container
     * with one CPU its queue would otherwise take the CPU from the first real requests. Quiet is a window of
     * {@value #QUIET_WINDOW_MS} ms in which it compiled for less than a tenth of it.
     *
     * @return whether it became quiet before the deadline (also when the JVM cannot tell)
     */
    static boolean awaitQuietCompiler(long deadlineNanos) throws InterruptedException, ExecutionException {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        long left = deadlineNanos - System.nanoTime();
        if (compiler == null || !compiler.isCompilationTimeMonitoringSupported() || left <= 0) {
            return left > 0;
        }
        AtomicLong compiled = new AtomicLong(compiler.getTotalCompilationTime());
        // on a timer thread; this (start-up) thread only waits for the answer
        CompletableFuture<Boolean> quiet = Flux.interval(Duration.ofMillis(QUIET_WINDOW_MS))
                .map(tick -> compiler.getTotalCompilationTime())
                .filter(now -> now - compiled.getAndSet(now) < QUIET_WINDOW_MS / 10)
                .next()
                .hasElement()
                .toFuture();
        try {
            return quiet.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException stillBusy) {
            return false;
        } finally {
            // stops the polling when it timed out (or the wait was interrupted)
            quiet.cancel(true);
        }
    }

    private Route route(OpenAiProviderFactory providers, String baseUrl) {
        Deployment deployment = new Deployment(
                MODEL, OpenAiProviderFactory.TYPE, URI.create(baseUrl), Secret.NONE, "warm-up", Timeouts.DEFAULTS);
        Route.Target target = new Route.Target(
                MODEL,
                "warm-up",
                providers.create(deployment),
                providers.embeddings(deployment),
                1,
                StreamUsage.FINAL,
                tokenizer);
        return new Route(
                MODEL,
                "llm-gateway",
                ModelType.CHAT,
                profile,
                null,
                Map.of(),
                List.of(target),
                List.of(),
                Price.FREE,
                tokenizer);
    }

    /** One synthetic request, every other one streamed, each with a prompt of its own; its answer read to the end. */
    private Mono<Integer> one(HttpClient client, int i) {
        boolean stream = i % 2 == 1;
        String body = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Warm-up request " + i + ", say something short.\"}],"
                + "\"temperature\":0.5,\"max_tokens\":16,\"stream\":" + stream
                + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "") + "}";
        return client.post()
                .uri("/v1/chat/completions")
                .send(ByteBufFlux.fromString(Mono.just(body)))
                .responseSingle((response, content) -> content.asString()
                        .defaultIfEmpty("")
                        .map(text -> {
                            if (response.status().code() == 200) {
                                completed.incrementAndGet();
                            } else {
                                log.info(
                                        "A warm-up request was answered {}: {}",
                                        response.status().code(),
                                        text.length() > 300 ? text.substring(0, 300) : text);
                            }
                            return response.status().code();
                        }));
    }
}
