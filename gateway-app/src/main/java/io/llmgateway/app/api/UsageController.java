package io.llmgateway.app.api;

import io.llmgateway.app.usage.UsageQueries;
import io.llmgateway.app.usage.UsageQuery;
import io.llmgateway.app.usage.UsageResponses;
import io.llmgateway.auth.Caller;
import io.llmgateway.auth.identity.CachedIdentityStore;
import io.llmgateway.auth.key.KeyKind;
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

    @GetMapping(
            path = "/v1/usage",
            produces = {MediaType.APPLICATION_JSON_VALUE, "text/csv"})
    public Mono<ResponseEntity<Object>> usage(
            Caller caller,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(name = "group_by", required = false) List<String> groupBy,
            @RequestHeader(name = "Accept", required = false) String accept) {
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
