/**
 * The Spring Boot application: {@link GatewayApplication}, whose {@code @ConfigurationPropertiesScan} picks up the
 * {@code *Properties} records of every sub-package, and which runs {@code MigrateOnly} instead of the server when
 * asked. Each sub-package is one feature; most bring their own {@code *Configuration} class.
 *
 * <p>No package of the gateway may be part of a dependency cycle ({@code ArchitectureTests}); no other module depends
 * on the application.
 */
@NullMarked
package io.llmgateway.app;

import org.jspecify.annotations.NullMarked;
