package io.llmgateway.app.usage;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether the usage ledger takes new requests: DOWN while its buffer is full (the database has been away longer
 * than the buffer carries) or while it is shutting down, when every request would be refused with 503. It is part of
 * readiness: a replica that cannot record a request should get none. A database outage the buffer carries is not.
 */
public class LedgerHealthIndicator implements HealthIndicator {

    private final UsageLedger ledger;
    private final int capacity;

    public LedgerHealthIndicator(UsageLedger ledger, LedgerProperties properties) {
        this.ledger = ledger;
        this.capacity = properties.bufferCapacity();
    }

    @Override
    public Health health() {
        int buffered = ledger.buffered();
        Health.Builder health = ledger.closing() || buffered >= capacity ? Health.down() : Health.up();
        return health.withDetail("buffered", buffered)
                .withDetail("capacity", capacity)
                .withDetail("writing", ledger.writing())
                .build();
    }
}
