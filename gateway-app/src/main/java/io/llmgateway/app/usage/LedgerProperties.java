package io.llmgateway.app.usage;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The usage ledger's buffer between requests and PostgreSQL.
 *
 * @param flushInterval   how often buffered records are written (default 200ms)
 * @param batchSize       the most records one statement writes (default 500)
 * @param bufferCapacity  the most records held while the database is slow or unreachable; when reached, new
 *                        requests are refused with 503 until the backlog drains, so no request goes unrecorded
 *                        (default 200000)
 * @param writeTimeout    the longest one batch write may take before it is retried (default 10s)
 * @param shutdownTimeout how long a graceful shutdown keeps trying to write what is buffered (default 20s)
 */
@Validated
@ConfigurationProperties("gateway.usage.ledger")
public record LedgerProperties(
        @DefaultValue("200ms") @DurationMin(nanos = 0, inclusive = false)
        Duration flushInterval,

        @DefaultValue("500") @Min(1) int batchSize,
        @DefaultValue("200000") @Min(1) int bufferCapacity,

        @DefaultValue("10s") @DurationMin(nanos = 0, inclusive = false)
        Duration writeTimeout,

        @DefaultValue("20s") @DurationMin(nanos = 0) Duration shutdownTimeout) {}
