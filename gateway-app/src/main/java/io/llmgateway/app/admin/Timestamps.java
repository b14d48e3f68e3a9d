package io.llmgateway.app.admin;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;

/** Times in admin JSON are Unix seconds, as in OpenAI's API; in the database, {@code timestamptz}. */
final class Timestamps {

    private Timestamps() {}

    static @Nullable Long seconds(@Nullable OffsetDateTime time) {
        return time == null ? null : time.toEpochSecond();
    }

    /** The seconds of a {@code NOT NULL} column. */
    static Long requiredSeconds(OffsetDateTime time) {
        return time.toEpochSecond();
    }

    static @Nullable OffsetDateTime utc(@Nullable Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
