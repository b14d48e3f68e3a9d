package io.llmgateway.app.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /admin/v1/me}: who the key belongs to, the gateway-wide role and the projects with the role held in
 * each, so that a client (the console) knows what to offer.
 */
@Tag(name = "Admin: me")
@RestController
public class MeController {

    private final DatabaseClient db;

    public MeController(DatabaseClient db) {
        this.db = db;
    }

    @Operation(
            operationId = "getMe",
            summary = "Who the caller is",
            description = "The key's id, its user with their role and projects; for an admin token no user.")
    @GetMapping("/admin/v1/me")
    public Mono<Me> me(AdminActor actor) {
        String userId = actor.userId();
        if (userId == null) {
            return Mono.just(new Me("me", actor.keyId(), null, "administrator", List.of()));
        }
        Mono<String> role = db.sql("SELECT role FROM users WHERE id = :id")
                .bind("id", userId)
                .map(row -> {
                    String held = row.get("role", String.class);
                    return held == null ? "" : held;
                })
                .one()
                .defaultIfEmpty("");
        Mono<List<Membership>> projects = db.sql("""
                        SELECT p.id, p.name, m.role FROM memberships m JOIN projects p ON p.id = m.project_id
                        WHERE m.user_id = :id ORDER BY p.id""")
                .bind("id", userId)
                .map(row -> new Membership(
                        row.get("id", String.class), row.get("name", String.class), row.get("role", String.class)))
                .all()
                .collectList();
        return Mono.zip(role, projects)
                .map(both -> new Me(
                        "me", actor.keyId(), userId, both.getT1().isEmpty() ? null : both.getT1(), both.getT2()));
    }

    /**
     * The caller.
     *
     * @param keyId    the key used
     * @param userId   its user; null for an admin token
     * @param role     {@code administrator}, {@code auditor} or null
     * @param projects the user's projects
     */
    public record Me(
            String object,
            @JsonProperty("key_id") String keyId,
            @JsonProperty("user_id") @Nullable String userId,
            @Nullable String role,
            List<Membership> projects) {}

    /** A project the user belongs to, with the role held there. */
    public record Membership(String id, String name, String role) {}
}
