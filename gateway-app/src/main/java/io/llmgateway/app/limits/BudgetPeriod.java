package io.llmgateway.app.limits;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** The period a budget covers, in UTC: a calendar day or a calendar month. */
public enum BudgetPeriod {
    DAY("day"),
    MONTH("month");

    private final String wireName;

    BudgetPeriod(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static BudgetPeriod fromWire(String value) {
        for (BudgetPeriod period : values()) {
            if (period.wireName.equals(value)) {
                return period;
            }
        }
        return null;
    }

    /** The first day of the period that contains {@code now}. */
    public LocalDate start(Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return this == DAY ? today : today.withDayOfMonth(1);
    }

    /** The instant the period containing {@code now} ends. */
    public Instant end(Instant now) {
        LocalDate start = start(now);
        LocalDate next = this == DAY ? start.plusDays(1) : start.plusMonths(1);
        return ZonedDateTime.of(next.atStartOfDay(), ZoneOffset.UTC).toInstant();
    }
}
