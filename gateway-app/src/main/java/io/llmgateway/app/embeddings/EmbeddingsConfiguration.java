package io.llmgateway.app.embeddings;

import io.llmgateway.app.limits.Admission;
import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.app.routing.RouteExecutor;
import io.llmgateway.app.tokens.TokenCounting;
import io.llmgateway.app.usage.UsageLedger;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The embeddings pipeline ({@code /v1/embeddings}). */
@Configuration(proxyBeanMethods = false)
public class EmbeddingsConfiguration {

    @Bean
    EmbeddingService embeddingService(ModelRouter router, RouteExecutor executor, Admission admission,
                                      UsageLedger ledger, TokenCounting tokenCounting, Clock clock) {
        return new EmbeddingService(router, executor, admission, ledger, tokenCounting, clock);
    }
}
