/**
 * Identities as authorisation reads them: the {@link IdentityStore} SPI (implemented over R2DBC by the application),
 * the records it returns ({@link KeyRecord}, {@link UserRecord}, {@link ProjectRecord}) and
 * {@link CachedIdentityStore}, which answers from memory, is invalidated by change notifications and keeps serving what
 * it read through a database outage, for a bounded time ({@link RefreshingCache}).
 *
 * <p>{@link RefreshingCache} is also the cache of the application's limits ({@code app.limits.LimitsRepository}).
 * Depends only on {@code auth.key}.
 */
@NullMarked
package io.llmgateway.auth.identity;

import org.jspecify.annotations.NullMarked;
