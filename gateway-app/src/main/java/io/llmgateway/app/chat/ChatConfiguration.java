package io.llmgateway.app.chat;

import io.llmgateway.app.limits.Admission;
import io.llmgateway.app.limits.LimitsProperties;
import io.llmgateway.app.retrieval.ChatRetrieval;
import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.app.routing.RouteExecutor;
import io.llmgateway.app.tokens.TokenCounting;
import io.llmgateway.app.usage.UsageLedger;
import io.llmgateway.app.usage.UsageMeters;
import io.llmgateway.core.profile.RequestProfiler;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The chat-completion pipeline. */
@Configuration(proxyBeanMethods = false)
public class ChatConfiguration {

    @Bean
    ChatCompletionService chatCompletionService(ModelRouter router, RequestProfiler profiler,
                                                RouteExecutor executor, Admission admission, UsageMeters meters,
                                                UsageLedger ledger, TokenCounting tokenCounting,
                                                LimitsProperties limits, Clock clock,
                                                ObjectProvider<ChatRetrieval> retrieval) {
        return new ChatCompletionService(router, profiler, executor, admission, meters, ledger, tokenCounting,
                limits, clock, retrieval.getIfAvailable());
    }
}
