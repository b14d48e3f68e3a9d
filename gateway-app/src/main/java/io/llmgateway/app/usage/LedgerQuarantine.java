package io.llmgateway.app.usage;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.llmgateway.app.persistence.DatabaseFailures;
import io.r2dbc.spi.R2dbcException;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where the ledger puts a record that PostgreSQL refused for its content, so that it never blocks the records behind
 * it. The record's tokens still count: a copy with the offending text replaced ({@link StorableText}) is written to
 * the ledger first; the original, with every character escaped so that it can be stored, is kept in
 * {@code usage_quarantine} with the database's error, for an administrator to see.
 */
public class LedgerQuarantine {

    private static final Logger log = LoggerFactory.getLogger(LedgerQuarantine.class);

    private final UsageWriter writer;
    private final DatabaseClient db;
    private final JsonMapper json;

    public LedgerQuarantine(UsageWriter writer, DatabaseClient db, JsonMapper json) {
        this.writer = writer;
        this.db = db;
        this.json = json;
    }

    /**
     * Writes the storable copy of a refused record and keeps the original; completes when both are done. Fails only
     * when the database is away (then the whole is tried again later: both writes are idempotent by request id).
     */
    public Mono<Void> isolate(UsageRecord record, Throwable refusal) {
        UsageRecord storable = storable(record);
        Mono<Boolean> recorded = storable.equals(record)
                ? Mono.just(false)
                : writer.write(List.of(storable))
                        .thenReturn(true)
                        .onErrorResume(DatabaseFailures::refusedContent, again -> Mono.just(false));
        return recorded.flatMap(written -> keep(record, refusal, written))
                .doOnSuccess(done -> log.warn(
                        "Usage record {} of project {} was refused by the database ({}); it is"
                                + " quarantined (GET /admin/v1/usage/quarantine){}",
                        record.requestId(),
                        StorableText.storable(record.projectId(), false),
                        DatabaseFailures.sqlState(refusal),
                        storable.equals(record) ? "" : " and its tokens recorded with the offending text replaced"));
    }

    private Mono<Void> keep(UsageRecord record, Throwable refusal, boolean recorded) {
        String state = DatabaseFailures.sqlState(refusal);
        return db.sql("""
                        INSERT INTO usage_quarantine (request_id, project_id, sql_state, error, recorded, record)
                        VALUES (:request_id, :project_id, :sql_state, :error, :recorded, :record)
                        ON CONFLICT (request_id) DO NOTHING""")
                .bind("request_id", StorableText.storable(record.requestId(), false))
                .bind(
                        "project_id",
                        Parameter.fromOrEmpty(StorableText.storable(record.projectId(), false), String.class))
                .bind("sql_state", Parameter.fromOrEmpty(state, String.class))
                .bind("error", StorableText.storable(message(refusal), false))
                .bind("recorded", recorded)
                .bind("record", escaped(record))
                .fetch()
                .rowsUpdated()
                .then();
    }

    /** Newest first; {@code after} is the id of the last entry of the previous page. */
    public Mono<List<Entry>> list(int fetch, @Nullable Long after) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("""
                SELECT id, request_id, quarantined_at, project_id, sql_state, error, recorded, record
                FROM usage_quarantine WHERE (CAST(:after AS bigint) IS NULL OR id < CAST(:after AS bigint))
                ORDER BY id DESC LIMIT :limit""").bind("limit", fetch);
        spec = after == null ? spec.bindNull("after", Long.class) : spec.bind("after", after);
        return spec.map(row -> new Entry(
                        String.valueOf(row.get("id", Long.class)),
                        row.get("request_id", String.class),
                        row.get("quarantined_at", OffsetDateTime.class).toEpochSecond(),
                        row.get("project_id", String.class),
                        row.get("sql_state", String.class),
                        row.get("error", String.class),
                        Boolean.TRUE.equals(row.get("recorded", Boolean.class)),
                        json.readTree(row.get("record", String.class))))
                .all()
                .collectList();
    }

    /** The record with every string it holds made storable (NULs and lone surrogates replaced). */
    static UsageRecord storable(UsageRecord r) {
        return new UsageRecord(
                StorableText.storable(r.requestId(), false),
                r.createdAt(),
                StorableText.storable(r.keyId(), false),
                StorableText.storable(r.userId(), false),
                StorableText.storable(r.projectId(), false),
                StorableText.storable(r.model(), false),
                StorableText.storableOrNull(r.deployment(), false),
                r.promptTokens(),
                r.completionTokens(),
                r.cachedPromptTokens(),
                r.tokenSource(),
                r.costPicos(),
                r.status(),
                StorableText.storableOrNull(r.errorCode(), false),
                StorableText.storableOrNull(r.finishReason(), false),
                r.latencyMillis(),
                r.ttftMillis(),
                r.streamed(),
                StorableText.storableOrNull(r.chatId(), false),
                StorableText.storableOrNull(r.clientUser(), false),
                r.retrieval(),
                StorableText.storableOrNull(r.prompt(), true),
                StorableText.storableOrNull(r.completion(), false));
    }

    /**
     * The record as JSON text in which every character that PostgreSQL cannot store is written as a visible escape,
     * so that an administrator sees exactly what was refused.
     */
    private String escaped(UsageRecord r) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("request_id", visible(r.requestId()));
        fields.put("created_at", r.createdAt().toString());
        fields.put("key_id", visible(r.keyId()));
        fields.put("user_id", visible(r.userId()));
        fields.put("project_id", visible(r.projectId()));
        fields.put("model", visible(r.model()));
        fields.put("deployment", visible(r.deployment()));
        fields.put("prompt_tokens", r.promptTokens());
        fields.put("completion_tokens", r.completionTokens());
        fields.put("cached_prompt_tokens", r.cachedPromptTokens());
        fields.put("token_source", r.tokenSource().wireName());
        fields.put("cost_picos", r.costPicos());
        fields.put("status", r.status().wireName());
        fields.put("error_code", visible(r.errorCode()));
        fields.put("finish_reason", visible(r.finishReason()));
        fields.put("latency_ms", r.latencyMillis());
        fields.put("ttft_ms", r.ttftMillis());
        fields.put("streamed", r.streamed());
        fields.put("chat_id", visible(r.chatId()));
        fields.put("client_user", visible(r.clientUser()));
        fields.put("retrieval", r.retrieval());
        fields.put("prompt", visible(r.prompt()));
        fields.put("completion", visible(r.completion()));
        return json.writeValueAsString(fields);
    }

    /** NUL as the text {@code \u0000}, a lone surrogate as {@code \ud800}: storable, and still telling. */
    private static @Nullable String visible(@Nullable String text) {
        if (text == null || StorableText.storable(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                out.append(c).append(text.charAt(++i));
            } else if (c == 0 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String message(Throwable refusal) {
        for (Throwable t = refusal; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof R2dbcException) {
                return String.valueOf(t.getMessage());
            }
        }
        return String.valueOf(refusal.getMessage());
    }

    /** One quarantined record as {@code GET /admin/v1/usage/quarantine} shows it. */
    @Schema(name = "QuarantinedUsageRecord")
    public record Entry(
            String id,
            @JsonProperty("request_id") String requestId,
            @JsonProperty("quarantined_at") long quarantinedAt,
            @JsonProperty("project_id") String projectId,
            @JsonProperty("sql_state") String sqlState,
            String error,
            boolean recorded,
            JsonNode record) {}
}
