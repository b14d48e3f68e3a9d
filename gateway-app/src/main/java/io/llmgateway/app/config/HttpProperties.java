package io.llmgateway.app.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits of the HTTP surface.
 *
 * @param maxBodySize largest request body accepted; a larger one is refused with 413 (default 4MB)
 */
@ConfigurationProperties("gateway.http")
public record HttpProperties(@DefaultValue("4MB") DataSize maxBodySize) {
}
