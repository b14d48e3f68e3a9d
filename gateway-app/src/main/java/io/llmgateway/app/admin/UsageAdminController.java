package io.llmgateway.app.admin;

import io.llmgateway.app.usage.UsageQueries;
import io.llmgateway.app.usage.UsageQuery;
import io.llmgateway.app.usage.UsageResponses;
import java.time.Clock;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /admin/v1/usage}: usage of every project, or of one with {@code project_id}; JSON or CSV. */
@RestController
public class UsageAdminController {

    private final UsageQueries usage;
    private final Clock clock;

    public UsageAdminController(UsageQueries usage, Clock clock) {
        this.usage = usage;
        this.clock = clock;
    }

    @GetMapping(path = "/admin/v1/usage", produces = {MediaType.APPLICATION_JSON_VALUE, "text/csv"})
    public Mono<ResponseEntity<Object>> usage(@RequestParam(name = "project_id", required = false) String projectId,
                                              @RequestParam(required = false) String from,
                                              @RequestParam(required = false) String to,
                                              @RequestParam(name = "group_by", required = false) List<String> groupBy,
                                              @RequestHeader(name = "Accept", required = false) String accept) {
        UsageQuery query = UsageQuery.parse(projectId, from, to, groupBy, clock.instant());
        return usage.report(query).map(report -> UsageResponses.respond(report, accept));
    }
}
