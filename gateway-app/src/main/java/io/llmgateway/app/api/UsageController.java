package io.llmgateway.app.api;

import io.llmgateway.app.usage.UsageQueries;
import io.llmgateway.app.usage.UsageQuery;
import io.llmgateway.app.usage.UsageResponses;
import io.llmgateway.auth.Caller;
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
 * {@code GET /v1/usage}: the usage of the caller's own project, as JSON or, with {@code Accept: text/csv}, CSV.
 * Parameters: {@code from}, {@code to}, {@code group_by} (see {@link UsageQuery#parse}).
 */
@RestController
public class UsageController {

    private final UsageQueries usage;
    private final Clock clock;

    public UsageController(UsageQueries usage, Clock clock) {
        this.usage = usage;
        this.clock = clock;
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
        UsageQuery query = UsageQuery.parse(caller.projectId(), from, to, groupBy, clock.instant());
        return usage.report(query).map(report -> UsageResponses.respond(report, accept));
    }
}
