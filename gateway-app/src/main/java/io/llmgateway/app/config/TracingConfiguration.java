package io.llmgateway.app.config;

import io.micrometer.tracing.Tracer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tracing that is off costs nothing. Spring Boot's {@code management.tracing.export.enabled=false} (the gateway's
 * default, {@code GATEWAY_TRACING_ENABLED}) only stops exporting: the OpenTelemetry tracer would still build a
 * span, a scope and a context for every request and every upstream call, to throw them away. With export off, the
 * tracer is Micrometer's no-op one instead, which Boot's OpenTelemetry tracer gives way to; metrics are unchanged.
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfiguration {

    @Bean
    @ConditionalOnProperty(name = "management.tracing.export.enabled", havingValue = "false")
    Tracer noopTracer() {
        return Tracer.NOOP;
    }
}
