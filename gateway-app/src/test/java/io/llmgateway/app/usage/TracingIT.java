package io.llmgateway.app.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.llmgateway.app.GatewayInstance;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Traces over OTLP: a chat completion exports one server span for the request and a child span for the upstream
 * call, named after the GenAI conventions, to the configured collector. With export off (the default), no spans
 * are built at all.
 */
class TracingIT {

    @Test
    void aRequestExportsItsServerSpanWithAChildForTheUpstreamCall() throws Exception {
        List<byte[]> exports = new CopyOnWriteArrayList<>();
        DisposableServer collector = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .route(routes -> routes.post(
                        "/v1/traces",
                        (request, response) -> request.receive()
                                .aggregate()
                                .asByteArray()
                                .doOnNext(exports::add)
                                .then(response.status(200)
                                        .header("content-type", "application/x-protobuf")
                                        .send())))
                .bindNow(Duration.ofSeconds(10));
        try (GatewayInstance gateway = GatewayInstance.start(Map.of(
                "gateway.models[0].id",
                "mock-echo",
                "gateway.models[0].deployment",
                "mock",
                "management.tracing.export.enabled",
                "true",
                "management.tracing.sampling.probability",
                "1.0",
                "management.opentelemetry.tracing.export.otlp.endpoint",
                "http://127.0.0.1:" + collector.port() + "/v1/traces"))) {
            gateway.admin().project("traced", null);
            String key = gateway.admin().serviceKey("traced").path("key").stringValue();

            gateway.client(key)
                    .post()
                    .uri("/v1/chat/completions")
                    .header("X-User-Id", "u")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"model\":\"mock-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"trace me\"}]}")
                    .exchange()
                    .expectStatus()
                    .isOk();

            Span upstream = null;
            Span server = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while ((upstream == null || server == null) && System.nanoTime() < deadline) {
                List<Span> spans = spans(exports);
                upstream = spans.stream()
                        .filter(span -> span.getName().equals("chat mock-echo"))
                        .findFirst()
                        .orElse(null);
                if (upstream != null) {
                    Span child = upstream;
                    server = spans.stream()
                            .filter(span -> span.getSpanId().equals(child.getParentSpanId()))
                            .findFirst()
                            .orElse(null);
                }
                Mono.delay(Duration.ofMillis(200)).block();
            }

            assertThat(upstream).as("a span for the upstream call").isNotNull();
            assertThat(server).as("its parent, the request's server span").isNotNull();
            assertThat(server.getTraceId()).isEqualTo(upstream.getTraceId());
            assertThat(server.getName()).containsIgnoringCase("post");
            assertThat(upstream.getAttributesList().stream()
                            .map(attribute -> attribute.getKey())
                            .toList())
                    .contains("gen_ai.operation.name", "gen_ai.request.model", "gateway.deployment");
        } finally {
            collector.disposeNow(Duration.ofSeconds(5));
        }
    }

    @Test
    void withExportOffTheTracerBuildsNoSpans() {
        try (GatewayInstance gateway = GatewayInstance.start(
                Map.of("gateway.models[0].id", "mock-echo", "gateway.models[0].deployment", "mock"))) {
            assertThat(gateway.bean(Tracer.class)).isSameAs(Tracer.NOOP);
            gateway.admin().project("untraced", null);
            String key = gateway.admin().serviceKey("untraced").path("key").stringValue();
            gateway.client(key)
                    .post()
                    .uri("/v1/chat/completions")
                    .header("X-User-Id", "u")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"model\":\"mock-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .exchange()
                    .expectStatus()
                    .isOk();
        }
    }

    private static List<Span> spans(List<byte[]> exports) {
        List<Span> spans = new ArrayList<>();
        for (byte[] export : exports) {
            try {
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(export);
                request.getResourceSpansList()
                        .forEach(resource ->
                                resource.getScopeSpansList().forEach(scope -> spans.addAll(scope.getSpansList())));
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }
        return spans;
    }
}
