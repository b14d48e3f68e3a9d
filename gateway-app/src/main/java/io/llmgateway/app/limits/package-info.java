/**
 * Admission, reserve then settle: {@link Admission} reserves a request's tokens and cost against every limit of its
 * project and key in one atomic call to a {@link LimitBackend} ({@link InProcessLimitBackend} for one replica,
 * {@link RedisLimitBackend} for several) and returns a {@link Ticket}, whose settlement corrects the reservation to
 * what was used ({@link SettleRetries} retries it, leases heal what never arrives). Budgets missing from the backend
 * start from the ledger ({@link BudgetSeeds}, {@link SpentQuery}); refusals are {@link LimitExceededException}s with
 * {@link RateLimitHeaders}.
 *
 * <p>{@link LimitsRepository} reads the {@code limits} table through a cache; {@link LimitsProperties} is
 * {@code gateway.limits}. Handlers other than the usage report must not depend on this package: the pipeline admits
 * ({@code ArchitectureTests}).
 */
@NullMarked
package io.llmgateway.app.limits;

import org.jspecify.annotations.NullMarked;
