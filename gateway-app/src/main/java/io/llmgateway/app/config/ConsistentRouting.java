package io.llmgateway.app.config;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The entries of {@link RoutingProperties} refer to each other consistently: each model names configured
 * deployments, a known profile and other models of its kind as fallbacks; ids are unique; parameter names are
 * chat-completion parameters. Each violation names the property that breaks it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ConsistentRoutingValidator.class)
public @interface ConsistentRouting {

    String message() default "gateway.models, gateway.deployments and gateway.profiles do not agree";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
