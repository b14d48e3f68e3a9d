/**
 * The usage ledger and what reads it. {@link UsageRecorders} opens a {@link UsageRecorder} for each request that
 * reaches admission; finished once, it hands a {@link UsageRecord} to the {@link UsageLedger} (a buffer written in
 * batches by {@link UsageWriter}, records the database refuses set aside by {@link LedgerQuarantine}), updates the
 * {@code gen_ai.*} metrics and settles the limits reservation. {@link UsageQueries}, {@link UsageQuery} and
 * {@link UsageReport} answer the usage reports; {@link Price} is the price table's unit.
 *
 * <p>Handlers other than the usage reports must not depend on this package: the pipeline records
 * ({@code ArchitectureTests}).
 */
@NullMarked
package io.llmgateway.app.usage;

import org.jspecify.annotations.NullMarked;
