package io.llmgateway.app.lifecycle;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What happens at shutdown beyond Spring Boot's graceful shutdown. */
@Configuration(proxyBeanMethods = false)
public class LifecycleConfiguration {

    @Bean
    DroppedErrors droppedErrors() {
        return new DroppedErrors();
    }

    @Bean
    StreamShutdown streamShutdown(MeterRegistry registry) {
        StreamShutdown streams = new StreamShutdown();
        Gauge.builder("gateway.streams.active", streams, StreamShutdown::openStreams)
                .description("Streamed responses in flight")
                .register(registry);
        return streams;
    }
}
