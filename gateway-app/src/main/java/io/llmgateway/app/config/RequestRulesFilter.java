package io.llmgateway.app.config;

import io.llmgateway.core.error.AccessException;
import io.llmgateway.core.error.InvalidRequestException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * What every request must get right before any handler reads it, each a clear 4xx instead of a surprise later:
 *
 * <ul>
 *   <li>no {@code Content-Encoding} but {@code identity}: a compressed body would otherwise be parsed as if it were
 *   plain (415);</li>
 *   <li>JSON in UTF-8, the only encoding JSON has (RFC 8259): another declared charset is a 415;</li>
 *   <li>query parameters without the NUL character or unpaired surrogates, which no database column holds (400
 *   naming the parameter);</li>
 *   <li>the identity headers ({@code Authorization}, {@code X-User-Id}, {@code X-Project-Id}) at most once: with two,
 *   which one counts would be a guess (400).</li>
 * </ul>
 * An empty {@code Accept} header is read as none (some handlers, Prometheus's among them, fail on it).
 */
public class RequestRulesFilter implements WebFilter {

    private static final List<String> SINGLE_HEADERS = List.of(HttpHeaders.AUTHORIZATION, "X-User-Id", "X-Project-Id");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        HttpHeaders headers = request.getHeaders();
        String encoding = headers.getFirst(HttpHeaders.CONTENT_ENCODING);
        if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
            return Mono.error(InvalidRequestException.httpStatus(
                    415,
                    "Content-Encoding '" + printable(encoding) + "' is not supported; send the body uncompressed.",
                    "unsupported_content_encoding"));
        }
        MediaType contentType = headers.getContentType();
        if (contentType != null && MediaType.APPLICATION_JSON.isCompatibleWith(contentType)) {
            Charset charset = contentType.getCharset();
            if (charset != null && !charset.equals(StandardCharsets.UTF_8)) {
                return Mono.error(InvalidRequestException.httpStatus(
                        415, "JSON bodies must be UTF-8, not " + charset.name() + ".", "unsupported_media_type"));
            }
        }
        for (String name : SINGLE_HEADERS) {
            List<String> values = headers.get(name);
            if (values != null && values.size() > 1) {
                return Mono.error(AccessException.badHeader(name, "Send the " + name + " header once."));
            }
        }
        String query = request.getURI().getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (Map.Entry<String, List<String>> parameter :
                    request.getQueryParams().entrySet()) {
                String name = parameter.getKey();
                if (!storable(name)) {
                    return Mono.error(InvalidRequestException.invalidParameter(
                            null, "A query parameter's name contains a NUL character or an unpaired surrogate."));
                }
                for (String value : parameter.getValue()) {
                    if (value != null && !storable(value)) {
                        return Mono.error(InvalidRequestException.invalidParameter(
                                name,
                                "Invalid value for '" + name
                                        + "': it contains a NUL character or an unpaired surrogate."));
                    }
                }
            }
        }
        List<String> accept = headers.get(HttpHeaders.ACCEPT);
        if (accept != null && accept.stream().allMatch(String::isBlank)) {
            return chain.filter(exchange.mutate()
                    .request(r -> r.headers(h -> h.remove(HttpHeaders.ACCEPT)))
                    .build());
        }
        return chain.filter(exchange);
    }

    private static boolean storable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (c == 0 || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) : text;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
