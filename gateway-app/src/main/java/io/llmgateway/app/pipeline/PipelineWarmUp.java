package io.llmgateway.app.pipeline;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.llmgateway.app.config.RoutingProperties.ModelType;
import io.llmgateway.app.routing.Route;
import io.llmgateway.app.routing.StreamUsage;
import io.llmgateway.app.usage.Price;
import io.llmgateway.auth.Caller;
import io.llmgateway.auth.identity.ProjectRecord;
import io.llmgateway.auth.key.KeyKind;
import io.llmgateway.core.profile.ParameterProfile;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.Secret;
import io.llmgateway.core.provider.Timeouts;
import io.llmgateway.core.tokens.TokenCounter;
import io.llmgateway.provider.openai.OpenAiProviderFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Warms the request path before the gateway says it is ready, so that the first users after a deploy or a scale-out
 * do not pay for the JIT compiler: synthetic chat requests, JSON and streamed, go through the real pipeline, the
 * real OpenAI-compatible adapter and its HTTP client, against an upstream in process ({@link WarmUpUpstream}).
 *
 * <p>Spring Boot reports readiness only after its application runners: while this runs, the readiness probe says
 * {@code OUT_OF_SERVICE}. The requests are nobody's: their pipeline records nothing ({@link
 * io.llmgateway.app.usage.UsageRecorders#discarding()}), their project has no limits, and their deployment's circuit
 * breaker, bulkhead and upstream metrics are removed again. A warm-up that fails or runs out of time is logged and never stops the
 * start.
 */
public final class PipelineWarmUp implements ApplicationRunner {

    static final String MODEL = "gateway-warm-up";
    private static final Logger log = LoggerFactory.getLogger(PipelineWarmUp.class);
    private static final int CONCURRENCY = 4;

    private final ModelCallPipeline pipeline;
    private final ParameterProfile profile;
    private final TokenCounter tokenizer;
    private final JsonMapper json;
    private final CircuitBreakerRegistry circuitBreakers;
    private final BulkheadRegistry bulkheads;
    private final MeterRegistry meters;
    private final WarmUpProperties properties;
    private final AtomicInteger completed = new AtomicInteger();

    /**
     * @param pipeline a pipeline that records nothing
     * @param profile   the parameter profile of the synthetic route (the default one)
     * @param tokenizer the tokenizer of the synthetic route (the default one)
     */
    PipelineWarmUp(ModelCallPipeline pipeline, ParameterProfile profile, TokenCounter tokenizer, JsonMapper json,
                   CircuitBreakerRegistry circuitBreakers, BulkheadRegistry bulkheads, MeterRegistry meters,
                   WarmUpProperties properties) {
        this.pipeline = pipeline;
        this.profile = profile;
        this.tokenizer = tokenizer;
        this.json = json;
        this.circuitBreakers = circuitBreakers;
        this.bulkheads = bulkheads;
        this.meters = meters;
        this.properties = properties;
    }

    /** The synthetic requests that completed. */
    int completed() {
        return completed.get();
    }

    @Override
    public void run(ApplicationArguments arguments) {
        if (properties.requests() == 0) {
            return;
        }
        long started = System.nanoTime();
        OpenAiProviderFactory providers = new OpenAiProviderFactory(json, new OpenAiProviderFactory.PoolSettings(
                CONCURRENCY, Duration.ofSeconds(30), 1024 * 1024, 64 * 1024));
        try (WarmUpUpstream upstream = WarmUpUpstream.start()) {
            Route route = route(providers, upstream.baseUrl());
            Caller caller = new Caller(MODEL, KeyKind.SERVICE, MODEL, new ProjectRecord(MODEL, MODEL, null, false));
            Flux.range(0, properties.requests())
                    .flatMap(i -> one(i, caller, route), CONCURRENCY)
                    .then()
                    .toFuture()
                    .get(properties.timeout().toMillis(), TimeUnit.MILLISECONDS);
            log.info("Warmed the request path with {} synthetic requests in {} ms", completed.get(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (TimeoutException e) {
            log.warn("The warm-up ran out of its {} after {} synthetic requests; the gateway starts anyway",
                    properties.timeout(), completed.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            log.warn("The warm-up failed after {} synthetic requests; the gateway starts anyway: {}", completed.get(),
                    cause.toString());
        } finally {
            providers.close();
            circuitBreakers.remove(MODEL);
            bulkheads.remove(MODEL);
            // the upstream call's own metrics, labelled with the synthetic deployment
            meters.getMeters().stream().filter(meter -> MODEL.equals(meter.getId().getTag("gateway.deployment")))
                    .toList().forEach(meters::remove);
        }
    }

    private Route route(OpenAiProviderFactory providers, String baseUrl) {
        Deployment deployment = new Deployment(MODEL, OpenAiProviderFactory.TYPE, URI.create(baseUrl), Secret.NONE,
                "warm-up", Timeouts.DEFAULTS);
        Route.Target target = new Route.Target(MODEL, "warm-up", providers.create(deployment),
                providers.embeddings(deployment), 1, StreamUsage.FINAL, tokenizer);
        return new Route(MODEL, "llm-gateway", ModelType.CHAT, profile, null, Map.of(), List.of(target), List.of(),
                Price.FREE, tokenizer);
    }

    /** One synthetic request, every other one streamed, each with a prompt of its own. */
    private Mono<Integer> one(int i, Caller caller, Route route) {
        boolean stream = i % 2 == 1;
        ObjectNode body = (ObjectNode) json.readTree("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":"
                + "\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Warm-up request " + i
                + ", say something short.\"}],\"temperature\":0.5,\"max_tokens\":16,\"stream\":" + stream
                + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "") + "}");
        return pipeline.chat(RequestIds.next(), caller, body, System.nanoTime(), model -> route)
                .flatMap(answer -> answer instanceof ChatAnswer.Stream events
                        ? events.events().map(event -> event.length).reduce(0, Integer::sum)
                        : Mono.just(((ChatAnswer.Json) answer).json().length))
                .doOnNext(bytes -> completed.incrementAndGet());
    }
}
