package io.llmgateway.app.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class BudgetPeriodTests {

    @Test
    void aPeriodRunsFromItsFirstUtcDayToTheNextOne() {
        Instant lastSecondOfFebruary = Instant.parse("2028-02-29T23:59:59Z");
        assertThat(BudgetPeriod.DAY.start(lastSecondOfFebruary)).isEqualTo(LocalDate.parse("2028-02-29"));
        assertThat(BudgetPeriod.DAY.end(lastSecondOfFebruary)).isEqualTo(Instant.parse("2028-03-01T00:00:00Z"));
        assertThat(BudgetPeriod.MONTH.start(lastSecondOfFebruary)).isEqualTo(LocalDate.parse("2028-02-01"));
        assertThat(BudgetPeriod.MONTH.end(lastSecondOfFebruary)).isEqualTo(Instant.parse("2028-03-01T00:00:00Z"));

        Instant midnight = Instant.parse("2026-12-01T00:00:00Z");
        assertThat(BudgetPeriod.DAY.start(midnight)).isEqualTo(LocalDate.parse("2026-12-01"));
        assertThat(BudgetPeriod.MONTH.end(midnight)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(BudgetPeriod.DAY.start(Instant.parse("1969-12-31T23:00:00Z")))
                .as("before the epoch, too")
                .isEqualTo(LocalDate.parse("1969-12-31"));
    }
}
