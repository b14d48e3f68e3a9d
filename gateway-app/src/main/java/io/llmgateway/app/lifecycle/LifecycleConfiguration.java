package io.llmgateway.app.lifecycle;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What happens at shutdown beyond Spring Boot's graceful shutdown. */
@Configuration(proxyBeanMethods = false)
public class LifecycleConfiguration {

    @Bean
    StreamShutdown streamShutdown() {
        return new StreamShutdown();
    }
}
