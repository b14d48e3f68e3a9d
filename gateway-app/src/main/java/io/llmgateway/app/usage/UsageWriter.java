package io.llmgateway.app.usage;

import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import reactor.core.publisher.Mono;

/**
 * Writes a batch of usage records in one statement, as arrays of the records' fields: the records go in with
 * {@code ON CONFLICT DO NOTHING} on the request id, and only the rows actually inserted are added to the daily
 * aggregates, in the same statement. Writing a batch twice (a retry after a timeout whose commit did happen)
 * therefore counts nothing twice.
 */
public class UsageWriter {

    /**
     * A call of the {@code usage_write} function (migration V6), which holds the statement: the driver parses the
     * text sent on every flush, and this one is short.
     */
    private static final String INSERT = "SELECT usage_write(:request_id, :created_ms, :key_id, :user_id, :project_id,"
            + " :model, :deployment, :prompt_tokens, :completion_tokens, :cached_prompt_tokens, :token_source,"
            + " :cost_picos, :status, :error_code, :finish_reason, :latency_ms, :ttft_ms, :streamed, :chat_id,"
            + " :client_user, :retrieval, :prompt, :completion)";

    private final DatabaseClient db;

    public UsageWriter(DatabaseClient db) {
        this.db = db;
    }

    /** Writes the batch; completes when it is committed. */
    public Mono<Void> write(List<UsageRecord> batch) {
        int n = batch.size();
        String[] requestId = new String[n];
        Long[] createdMs = new Long[n];
        String[] keyId = new String[n];
        String[] userId = new String[n];
        String[] projectId = new String[n];
        String[] model = new String[n];
        String[] deployment = new String[n];
        Integer[] promptTokens = new Integer[n];
        Integer[] completionTokens = new Integer[n];
        Integer[] cachedPromptTokens = new Integer[n];
        String[] tokenSource = new String[n];
        Long[] costPicos = new Long[n];
        String[] status = new String[n];
        String[] errorCode = new String[n];
        String[] finishReason = new String[n];
        Integer[] latencyMs = new Integer[n];
        Integer[] ttftMs = new Integer[n];
        Boolean[] streamed = new Boolean[n];
        String[] chatId = new String[n];
        String[] clientUser = new String[n];
        Boolean[] retrieval = new Boolean[n];
        String[] prompt = new String[n];
        String[] completion = new String[n];
        for (int i = 0; i < n; i++) {
            UsageRecord r = batch.get(i);
            requestId[i] = r.requestId();
            createdMs[i] = r.createdAt().toEpochMilli();
            keyId[i] = r.keyId();
            userId[i] = r.userId();
            projectId[i] = r.projectId();
            model[i] = r.model();
            deployment[i] = r.deployment();
            promptTokens[i] = r.promptTokens();
            completionTokens[i] = r.completionTokens();
            cachedPromptTokens[i] = r.cachedPromptTokens();
            tokenSource[i] = r.tokenSource().wireName();
            costPicos[i] = r.costPicos();
            status[i] = r.status().wireName();
            errorCode[i] = r.errorCode();
            finishReason[i] = r.finishReason();
            latencyMs[i] = r.latencyMillis();
            ttftMs[i] = r.ttftMillis();
            streamed[i] = r.streamed();
            chatId[i] = r.chatId();
            clientUser[i] = r.clientUser();
            retrieval[i] = r.retrieval();
            prompt[i] = r.prompt();
            completion[i] = r.completion();
        }
        return db.sql(INSERT)
                .bind("request_id", requestId)
                .bind("created_ms", createdMs)
                .bind("key_id", keyId)
                .bind("user_id", userId)
                .bind("project_id", projectId)
                .bind("model", model)
                .bind("deployment", deployment)
                .bind("prompt_tokens", promptTokens)
                .bind("completion_tokens", completionTokens)
                .bind("cached_prompt_tokens", cachedPromptTokens)
                .bind("token_source", tokenSource)
                .bind("cost_picos", costPicos)
                .bind("status", status)
                .bind("error_code", errorCode)
                .bind("finish_reason", finishReason)
                .bind("latency_ms", latencyMs)
                .bind("ttft_ms", ttftMs)
                .bind("streamed", streamed)
                .bind("chat_id", chatId)
                .bind("client_user", clientUser)
                .bind("retrieval", retrieval)
                .bind("prompt", Parameter.from(prompt))
                .bind("completion", completion)
                .then();
    }
}
