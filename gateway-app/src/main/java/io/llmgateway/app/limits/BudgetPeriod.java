package io.llmgateway.app.limits;

import java.time.Instant;
import java.time.LocalDate;
import org.jspecify.annotations.Nullable;

/** The period a budget covers, in UTC: a calendar day or a calendar month. */
public enum BudgetPeriod {
    DAY("day"),
    MONTH("month");

    private static final long SECONDS_PER_DAY = 86_400;

    private final String wireName;

    BudgetPeriod(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static @Nullable BudgetPeriod fromWire(@Nullable String value) {
        for (BudgetPeriod period : values()) {
            if (period.wireName.equals(value)) {
                return period;
            }
        }
        return null;
    }

    /** The first day of the period that contains {@code now}. */
    public LocalDate start(Instant now) {
        // epoch days, not LocalDate.ofInstant: that builds the zone's rules on every call, and this runs per request
        LocalDate today = LocalDate.ofEpochDay(Math.floorDiv(now.getEpochSecond(), SECONDS_PER_DAY));
        return this == DAY ? today : today.withDayOfMonth(1);
    }

    /** The instant the period containing {@code now} ends. */
    public Instant end(Instant now) {
        LocalDate start = start(now);
        LocalDate next = this == DAY ? start.plusDays(1) : start.plusMonths(1);
        return Instant.ofEpochSecond(next.toEpochDay() * SECONDS_PER_DAY);
    }
}
