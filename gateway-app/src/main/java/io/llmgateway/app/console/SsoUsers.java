package io.llmgateway.app.console;

import io.llmgateway.app.admin.AdminActor;
import io.llmgateway.app.admin.AuditLog;
import io.llmgateway.app.admin.UserRole;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The gateway user behind a single sign-on: created at the first sign-in, its name and email kept current, its
 * gateway-wide role taken from the roles claim when administrator or auditor groups are configured (otherwise the
 * role an administrator set stays), and memberships added for the project groups. Every change is audited.
 */
final class SsoUsers {

    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final AuditLog audit;
    private final ConsoleProperties.Oidc oidc;

    SsoUsers(DatabaseClient db, TransactionalOperator tx, AuditLog audit, ConsoleProperties.Oidc oidc) {
        this.db = db;
        this.tx = tx;
        this.audit = audit;
        this.oidc = oidc;
    }

    /** The user's id, once created or brought up to date; an error when the token names no usable id. */
    Mono<String> signedIn(OidcUser user, String remoteAddress) {
        String id = userId(user);
        if (id == null) {
            return Mono.error(new IllegalArgumentException("the identity provider's token has no usable '"
                    + oidc.userIdClaim() + "' or subject: 1 to 64 letters, digits, '.', '_', '@' or '-'"));
        }
        List<String> groups = groups(user);
        boolean rolesFromProvider =
                !oidc.administratorGroups().isEmpty() || !oidc.auditorGroups().isEmpty();
        String role = role(groups);
        AdminActor actor = new AdminActor("sso", id, false, null, remoteAddress);
        Mono<Boolean> upsert = db.sql("""
                        INSERT INTO users (id, name, email, role)
                        SELECT :id, :name, CASE WHEN EXISTS (SELECT 1 FROM users
                                                             WHERE email = CAST(:email AS text) AND id <> :id)
                                                THEN NULL ELSE CAST(:email AS text) END, :role
                        ON CONFLICT (id) DO UPDATE SET
                          name = COALESCE(EXCLUDED.name, users.name),
                          email = COALESCE(EXCLUDED.email, users.email),
                          role = CASE WHEN :fromProvider THEN EXCLUDED.role ELSE users.role END,
                          updated_at = now()
                        RETURNING (xmax = 0) AS created""")
                .bind("id", id)
                .bind("name", Parameter.fromOrEmpty(user.getFullName(), String.class))
                // an email another user holds already is left out: emails are unique
                .bind("email", Parameter.fromOrEmpty(user.getEmail(), String.class))
                .bind("role", Parameter.fromOrEmpty(role, String.class))
                .bind("fromProvider", rolesFromProvider)
                .map(row -> Boolean.TRUE.equals(row.get("created", Boolean.class)))
                .one();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("via", "sso");
        if (rolesFromProvider) {
            details.put("role", role);
        }
        Mono<String> work = upsert.flatMap(created ->
                        audit.record(actor, created ? "user.created" : "user.signed_in", "user", id, details))
                .thenMany(memberships(actor, id, groups))
                .then(Mono.just(id));
        return tx.transactional(work);
    }

    private @Nullable String userId(OidcUser user) {
        Object claim = user.getClaims().get(oidc.userIdClaim());
        String id = claim instanceof String text && !text.isBlank() ? text : user.getSubject();
        return id != null && VALID_ID.matcher(id).matches() ? id : null;
    }

    private List<String> groups(OidcUser user) {
        Object claim = user.getClaims().get(oidc.rolesClaim());
        List<String> groups = new ArrayList<>();
        if (claim instanceof Collection<?> values) {
            values.forEach(value -> groups.add(String.valueOf(value)));
        } else if (claim instanceof String single) {
            groups.add(single);
        }
        return groups;
    }

    private @Nullable String role(List<String> groups) {
        if (groups.stream().anyMatch(oidc.administratorGroups()::contains)) {
            return UserRole.ADMINISTRATOR.wireName();
        }
        if (groups.stream().anyMatch(oidc.auditorGroups()::contains)) {
            return UserRole.AUDITOR.wireName();
        }
        return null;
    }

    /** Memberships from groups {@code <prefix><project>:owner|member}, for projects that exist. */
    private Flux<Long> memberships(AdminActor actor, String userId, List<String> groups) {
        String prefix = oidc.projectGroupPrefix();
        if (prefix == null || prefix.isEmpty()) {
            return Flux.empty();
        }
        return Flux.fromIterable(groups)
                .filter(group -> group.startsWith(prefix))
                .map(group -> group.substring(prefix.length()))
                .filter(rest -> rest.endsWith(":owner") || rest.endsWith(":member"))
                .concatMap(rest -> {
                    String project = rest.substring(0, rest.lastIndexOf(':'));
                    String memberRole = rest.substring(rest.lastIndexOf(':') + 1);
                    return db.sql("""
                                    INSERT INTO memberships (project_id, user_id, role)
                                    SELECT id, :user, :role FROM projects WHERE id = :project
                                    ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role
                                    WHERE memberships.role <> EXCLUDED.role""")
                            .bind("user", userId)
                            .bind("role", memberRole)
                            .bind("project", project)
                            .fetch()
                            .rowsUpdated()
                            .flatMap(count -> count == 0
                                    ? Mono.just(0L)
                                    : audit.record(
                                                    new AdminActor(
                                                            "sso", userId, false, project, actor.remoteAddress()),
                                                    "project.member.put",
                                                    "project",
                                                    project,
                                                    Map.of("user_id", userId, "role", memberRole, "via", "sso"))
                                            .thenReturn(count));
                });
    }
}
