package io.llmgateway.app.security;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

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
        HttpServerRequest netty = nettyRequest(request);
        if (netty != null) {
            // Netty's own entries, one iterator and no copy of a name or a value
            Iterator<Map.Entry<CharSequence, CharSequence>> headers =
                    netty.requestHeaders().iteratorCharSequence();
            while (headers.hasNext()) {
                Map.Entry<CharSequence, CharSequence> header = headers.next();
                checkHeader(header.getKey(), header.getValue());
            }
        } else {
            request.getHeaders().forEach((name, values) -> values.forEach(value -> checkHeader(name, value)));
        }
        if (request.getURI().getRawQuery() == null) {
            return;
        }
        for (Map.Entry<String, List<String>> parameter :
                request.getQueryParams().entrySet()) {
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

    private static void checkHeader(CharSequence name, CharSequence value) {
        if (!HeaderCharacters.allowedName(name)) {
            throw new ServerExchangeRejectedException(
                    "The request was rejected because the header name \"" + name + "\" is not allowed");
        }
        if (!HeaderCharacters.allowedValue(value)) {
            throw new ServerExchangeRejectedException(
                    "The request was rejected because the header \"" + name + "\" has a value that is not allowed");
        }
    }

    private static @Nullable HttpServerRequest nettyRequest(ServerHttpRequest request) {
        try {
            Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
            return nativeRequest instanceof HttpServerRequest netty ? netty : null;
        } catch (IllegalArgumentException notNetty) {
            return null;
        }
    }
}
