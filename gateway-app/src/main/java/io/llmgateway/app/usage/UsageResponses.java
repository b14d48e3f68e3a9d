package io.llmgateway.app.usage;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** A usage report as the HTTP response the client asked for. */
public final class UsageResponses {

    private UsageResponses() {}

    /** JSON, or CSV when the client's {@code Accept} asks for {@code text/csv}. */
    public static ResponseEntity<Object> respond(UsageReport report, String accept) {
        if (accept != null && accept.contains("text/csv")) {
            return ResponseEntity.ok()
                    .contentType(MediaType.parseMediaType("text/csv;charset=UTF-8"))
                    .header("Content-Disposition", "attachment; filename=\"usage.csv\"")
                    .body(report.toCsv());
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(report);
    }
}
