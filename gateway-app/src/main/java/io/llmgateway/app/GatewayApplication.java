package io.llmgateway.app;

import io.llmgateway.app.persistence.MigrateOnly;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The gateway: one OpenAI-compatible endpoint in front of every configured model. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    public static void main(String[] args) {
        if (MigrateOnly.requested(args, System.getenv())) {
            System.exit(MigrateOnly.run(args, System.getenv(), System.out, System.err));
        }
        SpringApplication.run(GatewayApplication.class, args);
    }
}
