package io.llmgateway.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.llmgateway.app.GatewayInstance;
import io.llmgateway.app.usage.Ledger;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;

/**
 * The warm-up runs its synthetic requests through the pipeline before the gateway is ready, waits for the JIT
 * compiler to finish what they set off, and leaves nothing behind: no usage record, no metric, no circuit breaker, no model.
 */
class WarmUpIT {

    @Test
    void theRequestPathIsWarmedBeforeReadinessAndNobodyIsBilled() {
        try (GatewayInstance gateway = GatewayInstance.start(Map.of("gateway.warm-up.requests", "400"))) {
            assertThat(gateway.bean(PipelineWarmUp.class).completed())
                    .as("every synthetic request completed")
                    .isEqualTo(400);
            assertThat(gateway.bean(PipelineWarmUp.class).compilerQuiet())
                    .as("the JIT compiler had compiled what the warm-up set off before readiness")
                    .isTrue();
            assertThat(gateway.bean(ApplicationAvailability.class).getReadinessState())
                    .isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);

            assertThat(new Ledger(gateway.database())
                            .query("SELECT count(*) AS n FROM usage_records")
                            .get(0))
                    .containsEntry("n", 0L);
            assertThat(gateway.bean(CircuitBreakerRegistry.class).find(PipelineWarmUp.MODEL))
                    .isEmpty();
            assertThat(gateway.bean(BulkheadRegistry.class).find(PipelineWarmUp.MODEL))
                    .isEmpty();
            gateway.admin().project("warm", null);
            String key = gateway.admin().serviceKey("warm").path("key").stringValue();
            String models = gateway.client(key)
                    .get()
                    .uri("/v1/models")
                    .header("X-User-Id", "u")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(String.class)
                    .returnResult()
                    .getResponseBody();
            assertThat(models).doesNotContain(PipelineWarmUp.MODEL);
            String metrics = gateway.client(gateway.adminToken())
                    .get()
                    .uri("/actuator/prometheus")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(String.class)
                    .returnResult()
                    .getResponseBody();
            assertThat(metrics)
                    .doesNotContain(PipelineWarmUp.MODEL)
                    .as("the warm-up's requests leave no server metric")
                    .doesNotContain("/v1/chat/completions");
            assertThat(gateway.bean(WarmUpCaller.class).isOpen())
                    .as("its token is refused from now on")
                    .isFalse();
        }
    }

    @Test
    void noWarmUpWhenTurnedOff() {
        try (GatewayInstance gateway = GatewayInstance.start(Map.of("gateway.warm-up.requests", "0"))) {
            assertThat(gateway.bean(PipelineWarmUp.class).completed()).isZero();
        }
    }
}
