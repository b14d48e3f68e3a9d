/**
 * Keys, users and projects on PostgreSQL, for the {@code auth} module: {@link R2dbcIdentityStore} (its
 * {@code IdentityStore}), {@link IdentityChangeListener} (on {@code gateway_identity_changed}, drops every
 * {@code DatabaseCache}), {@link LastUsedFlusher} (writes last-used times in rounds), {@link AdminBootstrap} (the first
 * admin token and the {@code default} project, at start-up) and {@link IdentityProperties} ({@code gateway.auth}).
 *
 * <p>{@link IdentityConfiguration} builds {@code auth}'s verifier, resolver and throttle, and also the application's
 * {@code Clock} bean.
 */
@NullMarked
package io.llmgateway.app.identity;

import org.jspecify.annotations.NullMarked;
