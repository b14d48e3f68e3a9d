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

    /**
     * The gateway user of this sign-in, created or brought up to date. A user is bound to the provider's issuer and
     * subject at the first sign-in; a later sign-in finds it by them, whatever its name then. A new sign-in whose
     * name is a user's already is bound to that user only when the user is bound to nobody and the provider vouches
     * for the same email ({@code email_verified}); otherwise it is refused: the name may have passed to someone
     * else, and the user's rights with it.
     */
    Mono<String> signedIn(OidcUser user, String remoteAddress) {
        String issuer = String.valueOf(user.getIssuer());
        String subject = user.getSubject();
        List<String> groups = groups(user);
        String email = Boolean.TRUE.equals(user.getEmailVerified()) ? user.getEmail() : null;
        Mono<String> work = db.sql("SELECT id FROM users WHERE sso_issuer = :issuer AND sso_subject = :subject")
                .bind("issuer", issuer)
                .bind("subject", subject)
                .map(row -> String.valueOf(row.get("id", String.class)))
                .one()
                .flatMap(id -> update(id, user, email, groups, remoteAddress, "user.signed_in"))
                .switchIfEmpty(Mono.defer(() -> firstSignIn(user, issuer, subject, email, groups, remoteAddress)))
                .flatMap(id -> memberships(new AdminActor("sso", id, false, null, remoteAddress), id, groups)
                        .then(Mono.just(id)));
        return tx.transactional(work);
    }

    private Mono<String> firstSignIn(
            OidcUser user,
            String issuer,
            String subject,
            @Nullable String email,
            List<String> groups,
            String remoteAddress) {
        String id = userId(user);
        if (id == null) {
            return Mono.error(new IllegalArgumentException("the identity provider's token has no usable '"
                    + oidc.userIdClaim() + "' or subject: 1 to 64 letters, digits, '.', '_', '@' or '-'"));
        }
        String role = role(groups);
        return db.sql("""
                        INSERT INTO users (id, name, email, role, sso_issuer, sso_subject)
                        SELECT :id, :name, CASE WHEN EXISTS (SELECT 1 FROM users WHERE email = CAST(:email AS text))
                                                THEN NULL ELSE CAST(:email AS text) END, :role, :issuer, :subject
                        ON CONFLICT (id) DO NOTHING
                        RETURNING id""")
                .bind("id", id)
                .bind("name", Parameter.fromOrEmpty(user.getFullName(), String.class))
                .bind("email", Parameter.fromOrEmpty(email, String.class))
                .bind("role", Parameter.fromOrEmpty(role, String.class))
                .bind("issuer", issuer)
                .bind("subject", subject)
                .fetch()
                .rowsUpdated()
                .flatMap(created -> created > 0
                        ? audit.record(
                                        new AdminActor("sso", id, false, null, remoteAddress),
                                        "user.created",
                                        "user",
                                        id,
                                        details(groups))
                                .thenReturn(id)
                        : link(id, user, issuer, subject, email, groups, remoteAddress));
    }

    /** An existing user of that name, bound to nobody, and the provider vouching for the user's email. */
    private Mono<String> link(
            String id,
            OidcUser user,
            String issuer,
            String subject,
            @Nullable String email,
            List<String> groups,
            String remoteAddress) {
        return db.sql("""
                        UPDATE users SET sso_issuer = :issuer, sso_subject = :subject
                        WHERE id = :id AND sso_subject IS NULL AND email IS NOT NULL AND email = CAST(:email AS text)
                        RETURNING id""")
                .bind("id", id)
                .bind("issuer", issuer)
                .bind("subject", subject)
                .bind("email", Parameter.fromOrEmpty(email, String.class))
                .fetch()
                .rowsUpdated()
                .flatMap(linked -> linked > 0
                        ? update(id, user, email, groups, remoteAddress, "user.linked")
                        : Mono.error(new IllegalArgumentException("the gateway user '" + id + "' belongs to another"
                                + " identity, or to none with the same verified email: an administrator must give"
                                + " it that email or remove it before this sign-in")));
    }

    private Mono<String> update(
            String id,
            OidcUser user,
            @Nullable String email,
            List<String> groups,
            String remoteAddress,
            String action) {
        boolean rolesFromProvider =
                !oidc.administratorGroups().isEmpty() || !oidc.auditorGroups().isEmpty();
        return db.sql("""
                        UPDATE users SET
                          name = COALESCE(CAST(:name AS text), name),
                          email = CASE WHEN CAST(:email AS text) IS NULL OR EXISTS (SELECT 1 FROM users o
                                          WHERE o.email = CAST(:email AS text) AND o.id <> :id)
                                       THEN email ELSE CAST(:email AS text) END,
                          role = CASE WHEN :fromProvider THEN CAST(:role AS text) ELSE role END,
                          updated_at = now()
                        WHERE id = :id""")
                .bind("id", id)
                .bind("name", Parameter.fromOrEmpty(user.getFullName(), String.class))
                .bind("email", Parameter.fromOrEmpty(email, String.class))
                .bind("role", Parameter.fromOrEmpty(role(groups), String.class))
                .bind("fromProvider", rolesFromProvider)
                .fetch()
                .rowsUpdated()
                .then(audit.record(
                        new AdminActor("sso", id, false, null, remoteAddress), action, "user", id, details(groups)))
                .thenReturn(id);
    }

    private Map<String, Object> details(List<String> groups) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("via", "sso");
        if (!oidc.administratorGroups().isEmpty() || !oidc.auditorGroups().isEmpty()) {
            details.put("role", role(groups));
        }
        return details;
    }

    private @Nullable String userId(OidcUser user) {
        Object claim = user.getClaims().get(oidc.userIdClaim());
        String id = claim instanceof String text && !text.isBlank() ? text : user.getSubject();
        // an id of dots only would be a path step, not a name, in /admin/v1/users/{id}
        return id != null && VALID_ID.matcher(id).matches() && !id.matches("\\.+") ? id : null;
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
