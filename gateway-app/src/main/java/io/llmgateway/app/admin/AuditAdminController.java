package io.llmgateway.app.admin;

import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.ListPage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /admin/v1/audit}: admin changes, newest first, optionally for one target. */
@Tag(name = "Admin: audit log")
@RestController
public class AuditAdminController {

    private final AuditLog audit;

    public AuditAdminController(AuditLog audit) {
        this.audit = audit;
    }

    @Operation(
            operationId = "listAuditEntries",
            summary = "Read the audit log",
            description = "Every change made through the admin API, newest first.")
    @GetMapping("/admin/v1/audit")
    public Mono<ListPage<AuditLog.Entry>> list(
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String after,
            @Parameter(description = "Only the changes to this user, project or key.")
                    @RequestParam(name = "target_id", required = false)
                    String targetId,
            @Parameter(description = "Only the changes within this project.")
                    @RequestParam(name = "project_id", required = false)
                    String projectId) {
        if (after != null && !after.matches("\\d{1,18}")) {
            throw InvalidRequestException.invalidParameter("after", "'after' must be the id of an audit entry.");
        }
        return audit.list(Paging.of(limit, after), targetId, projectId);
    }
}
