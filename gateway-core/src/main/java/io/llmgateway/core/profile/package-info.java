/**
 * The parameter-profile engine: a model family's parameter contract as configuration declares it
 * ({@link ParameterProfile} with its {@link ParameterRule}s, {@link ParamType}s and {@link MessageRules}), and
 * {@link RequestProfiler}, which checks a chat request against its profile, drops or refuses what the profile does not
 * accept and fills in defaults (request, then route, then profile) before any upstream call. {@link RagParamsShape}
 * checks the shape of the gateway's own {@code rag_params}.
 *
 * <p>Profiles are data, not code: the application reads them from {@code gateway.profiles} ({@code app.profile}).
 * Within the core it depends only on {@code core.protocol} and {@code core.error}.
 */
@NullMarked
package io.llmgateway.core.profile;

import org.jspecify.annotations.NullMarked;
