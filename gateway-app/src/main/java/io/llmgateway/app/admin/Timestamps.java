package io.llmgateway.app.admin;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Times in admin JSON are Unix seconds, as in OpenAI's API; in the database, {@code timestamptz}. */
final class Timestamps {

    private Timestamps() {}

    static Long seconds(OffsetDateTime time) {
        return time == null ? null : time.toEpochSecond();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
