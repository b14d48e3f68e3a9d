package io.llmgateway.app.retrieval;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;

/**
 * On every part of retrieval that Spring creates (its configuration and its controllers): with
 * {@code gateway.retrieval.enabled=false} none of them exist.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@ConditionalOnBooleanProperty(name = RetrievalProperties.ENABLED, matchIfMissing = true)
@interface ConditionalOnRetrieval {}
