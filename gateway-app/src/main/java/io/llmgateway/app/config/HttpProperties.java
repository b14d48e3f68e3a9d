package io.llmgateway.app.config;

import jakarta.validation.constraints.AssertTrue;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits and trust of the HTTP surface.
 *
 * @param maxBodySize    largest request body accepted; a larger one is refused with 413 (default 4MB)
 * @param trustedProxies addresses or CIDR ranges of the proxies in front of the gateway (an Ingress controller, a
 *                       load balancer) whose {@code Forwarded} / {@code X-Forwarded-For} headers say who the client
 *                       is; from any other peer those headers are ignored (default none: the connection's peer is the
 *                       client)
 */
@Validated
@ConfigurationProperties("gateway.http")
public record HttpProperties(@DefaultValue("4MB") DataSize maxBodySize, List<String> trustedProxies) {

    public HttpProperties {
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    }

    @AssertTrue(message = "max-body-size must be 1B to 2GB") boolean isMaxBodySizeInRange() {
        return maxBodySize.toBytes() >= 1 && maxBodySize.toBytes() <= Integer.MAX_VALUE;
    }
}
