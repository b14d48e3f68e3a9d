package io.llmgateway.app.admin;

import io.llmgateway.app.usage.LedgerQuarantine;
import io.llmgateway.app.usage.ServiceLevels;
import io.llmgateway.app.usage.UsageQueries;
import io.llmgateway.app.usage.UsageQuery;
import io.llmgateway.app.usage.UsageResponses;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.ListPage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /admin/v1/usage}: usage of every project, or of one with {@code project_id}, or of one user with
 * {@code user_id}; JSON or CSV.
 * {@code GET /admin/v1/usage/service_levels}: requests, errors, latency and time to first token over time.
 * {@code GET /admin/v1/usage/quarantine}: the usage records the database refused for their content, newest first.
 */
@RestController
public class UsageAdminController {

    private final UsageQueries usage;
    private final ServiceLevels serviceLevels;
    private final LedgerQuarantine quarantine;
    private final Clock clock;

    public UsageAdminController(
            UsageQueries usage, ServiceLevels serviceLevels, LedgerQuarantine quarantine, Clock clock) {
        this.usage = usage;
        this.serviceLevels = serviceLevels;
        this.quarantine = quarantine;
        this.clock = clock;
    }

    @GetMapping(
            path = "/admin/v1/usage",
            produces = {MediaType.APPLICATION_JSON_VALUE, "text/csv"})
    public Mono<ResponseEntity<Object>> usage(
            @RequestParam(name = "project_id", required = false) String projectId,
            @RequestParam(name = "user_id", required = false) String userId,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(name = "group_by", required = false) List<String> groupBy,
            @RequestHeader(name = "Accept", required = false) String accept) {
        UsageQuery all = UsageQuery.parse(projectId, from, to, groupBy, clock.instant());
        UsageQuery query = userId == null ? all : all.ofUser(userId);
        return usage.report(query).map(report -> UsageResponses.respond(report, accept));
    }

    /**
     * Requests, upstream errors, latency and time to first token per {@code bucket} ({@code hour}, the default, or
     * {@code day}), overall or by {@code group_by} ({@code model} or {@code project}); the last 24 hours by default.
     */
    @GetMapping("/admin/v1/usage/service_levels")
    public Mono<ServiceLevels.Report> serviceLevels(
            @RequestParam(name = "project_id", required = false) String projectId,
            @RequestParam(name = "user_id", required = false) String userId,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false, defaultValue = "hour") String bucket,
            @RequestParam(name = "group_by", required = false) String groupBy) {
        Instant end = to == null ? clock.instant() : UsageQuery.instant(to, "to");
        Instant start = from == null ? end.minus(Duration.ofDays(1)) : UsageQuery.instant(from, "from");
        if (!end.isAfter(start)) {
            throw InvalidRequestException.invalidParameter("to", "'to' must be after 'from'.");
        }
        return serviceLevels.report(start, end, bucket, groupBy, projectId, userId);
    }

    @GetMapping("/admin/v1/usage/quarantine")
    public Mono<ListPage<LedgerQuarantine.Entry>> quarantine(
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String after) {
        if (after != null && !after.matches("\\d{1,18}")) {
            throw InvalidRequestException.invalidParameter("after", "'after' must be the id of a quarantined record.");
        }
        Paging paging = Paging.of(limit, after);
        return quarantine
                .list(paging.fetch(), paging.after() == null ? null : Long.valueOf(paging.after()))
                .map(rows -> ListPage.of(rows, paging.limit(), LedgerQuarantine.Entry::id));
    }
}
