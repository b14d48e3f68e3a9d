/**
 * Parameter profiles from configuration: {@link ProfileSettings} ({@code gateway.profiles.<name>}, the shipped ones
 * in {@code gateway-profiles.yml}) and {@link ProfileRegistry}, which checks them at start-up and converts them into
 * {@code core.profile.ParameterProfile}s. A new profile is configuration, not code. Depends only on
 * {@code core.profile}.
 */
@NullMarked
package io.llmgateway.app.profile;

import org.jspecify.annotations.NullMarked;
