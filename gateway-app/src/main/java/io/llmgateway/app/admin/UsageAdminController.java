package io.llmgateway.app.admin;

import io.llmgateway.app.usage.LedgerQuarantine;
import io.llmgateway.app.usage.ServiceLevels;
import io.llmgateway.app.usage.UsageQueries;
import io.llmgateway.app.usage.UsageQuery;
import io.llmgateway.app.usage.UsageReport;
import io.llmgateway.app.usage.UsageResponses;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.ListPage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "Admin: usage", description = "Usage of every project, and the usage records the database refused.")
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

    @Operation(
            operationId = "getAdminUsage",
            summary = "Read the usage of the projects",
            description = "Of every project, or of `project_id` (which an owner must give: their project). CSV with"
                    + " `Accept: text/csv`.",
            responses =
                    @ApiResponse(
                            responseCode = "200",
                            description = "The usage.",
                            content = {
                                @Content(
                                        mediaType = MediaType.APPLICATION_JSON_VALUE,
                                        schema = @Schema(implementation = UsageReport.class)),
                                @Content(mediaType = "text/csv", schema = @Schema(type = "string"))
                            }))
    @GetMapping(
            path = "/admin/v1/usage",
            produces = {MediaType.APPLICATION_JSON_VALUE, "text/csv"})
    public Mono<ResponseEntity<Object>> usage(
            @Parameter(description = "One project; every project when absent.")
                    @RequestParam(name = "project_id", required = false)
                    String projectId,
            @Parameter(description = "One user's requests only (any user may read their own).")
                    @RequestParam(name = "user_id", required = false)
                    String userId,
            @Parameter(description = UsageQuery.FROM) @RequestParam(required = false) String from,
            @Parameter(description = UsageQuery.TO) @RequestParam(required = false) String to,
            @Parameter(description = UsageQuery.GROUP_BY) @RequestParam(name = "group_by", required = false)
                    List<String> groupBy,
            @Parameter(hidden = true) @RequestHeader(name = "Accept", required = false) String accept) {
        UsageQuery all = UsageQuery.parse(projectId, from, to, groupBy, clock.instant());
        UsageQuery query = userId == null ? all : all.ofUser(userId);
        return usage.report(query).map(report -> UsageResponses.respond(report, accept));
    }

    /**
     * Requests, upstream errors, latency and time to first token per {@code bucket} ({@code hour}, the default, or
     * {@code day}), overall or by {@code group_by} ({@code model} or {@code project}); the last 24 hours by default.
     */
    @Operation(
            operationId = "getServiceLevels",
            summary = "Read requests, errors, latency and time to first token over time",
            description = "Per hour or day, overall or by model or project, from the ledger's records (at most 31"
                    + " days; the last 24 hours by default). Read as `GET /admin/v1/usage` is.")
    @GetMapping("/admin/v1/usage/service_levels")
    public Mono<ServiceLevels.Report> serviceLevels(
            @Parameter(description = "One project; every project when absent.")
                    @RequestParam(name = "project_id", required = false)
                    String projectId,
            @Parameter(description = "One user's requests only.") @RequestParam(name = "user_id", required = false)
                    String userId,
            @Parameter(description = UsageQuery.FROM) @RequestParam(required = false) String from,
            @Parameter(description = UsageQuery.TO) @RequestParam(required = false) String to,
            @Parameter(description = "`hour` (default) or `day`.")
                    @RequestParam(required = false, defaultValue = "hour")
                    String bucket,
            @Parameter(description = "`model` or `project`; all together when absent.")
                    @RequestParam(name = "group_by", required = false)
                    String groupBy) {
        Instant end = to == null ? clock.instant() : UsageQuery.instant(to, "to");
        Instant start = from == null ? end.minus(Duration.ofDays(1)) : UsageQuery.instant(from, "from");
        if (!end.isAfter(start)) {
            throw InvalidRequestException.invalidParameter("to", "'to' must be after 'from'.");
        }
        return serviceLevels.report(start, end, bucket, groupBy, projectId, userId);
    }

    @Operation(
            operationId = "listQuarantinedUsage",
            summary = "List the quarantined usage records",
            description = "The usage records the database refused for their content, newest first.")
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
