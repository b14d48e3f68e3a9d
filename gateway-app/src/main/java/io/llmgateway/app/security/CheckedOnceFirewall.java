package io.llmgateway.app.security;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring Security's strict firewall with its header and parameter rules checked once, up front, and the request passed
 * on as it is. The strict firewall checks the URL, the method and the host at once, and every header and parameter
 * when something reads it, through wrappers that it makes anew on each {@code getRequest()} and {@code getHeaders()}:
 * on the data plane, about 4 KB of them per request. The rules are the same ({@link HeaderCharacters}); only when
 * they are applied changes, and a request the strict firewall would refuse on a read is refused before any handler
 * runs.
 */
final class CheckedOnceFirewall implements ServerWebExchangeFirewall {

    private final StrictServerWebExchangeFirewall strict = new StrictServerWebExchangeFirewall();

    @Override
    public Mono<ServerWebExchange> getFirewalledExchange(ServerWebExchange exchange) {
        return strict.getFirewalledExchange(exchange).map(firewalled -> {
            check(exchange.getRequest());
            return exchange;
        });
    }

    private static void check(ServerHttpRequest request) {
        HttpHeaders headers = request.getHeaders();
        for (String name : headers.headerNames()) {
            if (!HeaderCharacters.allowedName(name)) {
                throw new ServerExchangeRejectedException(
                        "The request was rejected because the header name \"" + name + "\" is not allowed");
            }
            List<String> values = headers.get(name);
            if (values != null) {
                for (String value : values) {
                    if (!HeaderCharacters.allowedValue(value)) {
                        throw new ServerExchangeRejectedException("The request was rejected because the header \""
                                + name + "\" has a value that is not allowed");
                    }
                }
            }
        }
        if (request.getURI().getRawQuery() == null) {
            return;
        }
        for (Map.Entry<String, List<String>> parameter : request.getQueryParams().entrySet()) {
            if (!HeaderCharacters.allowedName(parameter.getKey())) {
                throw new ServerExchangeRejectedException("The request was rejected because the parameter name \""
                        + parameter.getKey() + "\" is not allowed");
            }
            for (String value : parameter.getValue()) {
                if (!HeaderCharacters.allowedName(value)) {
                    throw new ServerExchangeRejectedException("The request was rejected because the parameter \""
                            + parameter.getKey() + "\" has a value that is not allowed");
                }
            }
        }
    }
}
