package io.llmgateway.app.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.llmgateway.core.protocol.ListPage;
import io.r2dbc.postgresql.codec.Json;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit trail of admin changes: who (the key id, and the user behind a personal access token), in which
 * project, what (action, target), when, from where, and the changed fields. Written in the same transaction as the change. Never holds a key or secret.
 */
public class AuditLog {

    private final DatabaseClient db;
    private final JsonMapper json;

    public AuditLog(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    public Mono<Void> record(
            AdminActor actor, String action, String targetType, String targetId, Map<String, ?> details) {
        return db.sql("""
                        INSERT INTO audit_log (actor_key_id, actor_user_id, project_id, action, target_type,
                                               target_id, remote_address, details)
                        VALUES (:actor, :user, :project, :action, :type, :target, :address, :details)""")
                .bind("actor", actor.keyId())
                .bind("user", Parameter.fromOrEmpty(actor.userId(), String.class))
                .bind("project", Parameter.fromOrEmpty(actor.projectId(), String.class))
                .bind("action", action)
                .bind("type", targetType)
                .bind("target", targetId)
                .bind("address", actor.remoteAddress())
                .bind("details", Json.of(json.writeValueAsBytes(details)))
                .fetch()
                .rowsUpdated()
                .then();
    }

    /** Audit details from name/value pairs, leaving out the values that are null. */
    public static Map<String, Object> details(@Nullable Object... pairs) {
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                details.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return details;
    }

    /** Newest first; {@code after} is the id of the last entry of the previous page. */
    public Mono<ListPage<Entry>> list(Paging paging, @Nullable String targetId, @Nullable String projectId) {
        String sql = "SELECT id, at, actor_key_id, actor_user_id, project_id, action, target_type, target_id,"
                + " remote_address, details FROM audit_log"
                + " WHERE (CAST(:after AS bigint) IS NULL OR id < CAST(:after AS bigint))"
                + " AND (CAST(:target AS text) IS NULL OR target_id = CAST(:target AS text))"
                + " AND (CAST(:project AS text) IS NULL OR project_id = CAST(:project AS text))"
                + " ORDER BY id DESC LIMIT :limit";
        DatabaseClient.GenericExecuteSpec spec = paging.bind(db.sql(sql))
                .bind("target", Parameter.fromOrEmpty(targetId, String.class))
                .bind("project", Parameter.fromOrEmpty(projectId, String.class));
        Flux<Entry> rows = spec.map(row -> new Entry(
                        String.valueOf(row.get("id", Long.class)),
                        Timestamps.requiredSeconds(row.get("at", OffsetDateTime.class)),
                        row.get("actor_key_id", String.class),
                        row.get("actor_user_id", String.class),
                        row.get("project_id", String.class),
                        row.get("action", String.class),
                        row.get("target_type", String.class),
                        row.get("target_id", String.class),
                        row.get("remote_address", String.class),
                        json.readTree(row.get("details", Json.class).asArray())))
                .all();
        return rows.collectList().map(list -> ListPage.of(list, paging.limit(), Entry::id));
    }

    /** One audit entry as {@code GET /admin/v1/audit} shows it. */
    @Schema(name = "AuditLogEntry")
    public record Entry(
            String id,
            Long at,
            @JsonProperty("actor_key_id") String actorKeyId,
            @JsonProperty("actor_user_id") @Nullable String actorUserId,
            @JsonProperty("project_id") @Nullable String projectId,
            String action,
            @JsonProperty("target_type") String targetType,
            @JsonProperty("target_id") String targetId,
            @JsonProperty("remote_address") String remoteAddress,
            JsonNode details) {}
}
