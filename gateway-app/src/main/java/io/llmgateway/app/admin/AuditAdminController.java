package io.llmgateway.app.admin;

import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.ListPage;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /admin/v1/audit}: admin changes, newest first, optionally for one target. */
@RestController
public class AuditAdminController {

    private final AuditLog audit;

    public AuditAdminController(AuditLog audit) {
        this.audit = audit;
    }

    @GetMapping("/admin/v1/audit")
    public Mono<ListPage<AuditLog.Entry>> list(
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String after,
            @RequestParam(name = "target_id", required = false) String targetId,
            @RequestParam(name = "project_id", required = false) String projectId) {
        if (after != null && !after.matches("\\d{1,18}")) {
            throw InvalidRequestException.invalidParameter("after", "'after' must be the id of an audit entry.");
        }
        return audit.list(Paging.of(limit, after), targetId, projectId);
    }
}
