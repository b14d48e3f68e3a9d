package io.llmgateway.app.api;

import io.llmgateway.app.usage.UsageQueries;
import io.llmgateway.app.usage.UsageQuery;
import io.llmgateway.app.usage.UsageReport;
import io.llmgateway.app.usage.UsageResponses;
import io.llmgateway.auth.Caller;
import io.llmgateway.auth.identity.CachedIdentityStore;
import io.llmgateway.auth.key.KeyKind;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/usage}: the usage of the caller's project (for a personal access token of a member who is not its
 * owner, their own usage in it), as JSON or, with {@code Accept: text/csv}, CSV.
 * Parameters: {@code from}, {@code to}, {@code group_by} (see {@link UsageQuery#parse}).
 */
@Tag(name = "Usage")
@RestController
public class UsageController {

    private final UsageQueries usage;
    private final Clock clock;
    private final CachedIdentityStore identities;

    public UsageController(UsageQueries usage, Clock clock, CachedIdentityStore identities) {
        this.usage = usage;
        this.clock = clock;
        this.identities = identities;
    }

    @Operation(
            operationId = "getUsage",
            summary = "Read the project's usage",
            description = "The usage of the caller's project, one row per group and the totals; for a personal"
                    + " access token of a member who is not the project's owner, their own usage in it. CSV with"
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
            path = "/v1/usage",
            produces = {MediaType.APPLICATION_JSON_VALUE, "text/csv"})
    public Mono<ResponseEntity<Object>> usage(
            Caller caller,
            @Parameter(description = UsageQuery.FROM) @RequestParam(required = false) String from,
            @Parameter(description = UsageQuery.TO) @RequestParam(required = false) String to,
            @Parameter(description = UsageQuery.GROUP_BY) @RequestParam(name = "group_by", required = false)
                    List<String> groupBy,
            @Parameter(hidden = true) @RequestHeader(name = "Accept", required = false) String accept) {
        UsageQuery project = UsageQuery.parse(caller.projectId(), from, to, groupBy, clock.instant());
        // a service key speaks for its project; a person sees the project's usage only as its owner
        Mono<UsageQuery> query = caller.keyKind() != KeyKind.PAT
                ? Mono.just(project)
                : identities
                        .findRole(caller.projectId(), caller.userId())
                        .filter("owner"::equals)
                        .map(owner -> project)
                        .defaultIfEmpty(project.ofUser(caller.userId()));
        return query.flatMap(usage::report).map(report -> UsageResponses.respond(report, accept));
    }
}
