package io.llmgateway.app.pipeline;

import io.llmgateway.app.routing.Route;
import io.llmgateway.auth.Caller;
import io.llmgateway.auth.identity.ProjectRecord;
import io.llmgateway.auth.key.KeyKind;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Who the warm-up's requests come from, so that they can take the gateway's whole HTTP path: a bearer token drawn at
 * random for this process, accepted only while the warm-up runs ({@link #open}) and only from a loopback address.
 * Nothing stores it or writes it to a log. The pipeline sends this caller's requests to the warm-up's own route and
 * records none of them.
 */
public final class WarmUpCaller {

    static final String NAME = "gateway-warm-up";

    private final Caller caller = new Caller(NAME, KeyKind.SERVICE, NAME, new ProjectRecord(NAME, NAME, null, false));
    private final String token;
    private final byte[] bearer;
    private volatile @Nullable Route route;

    public WarmUpCaller() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.token = "gww_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        this.bearer = token.getBytes(StandardCharsets.US_ASCII);
    }

    /** Accepts the token, and routes its requests to {@code warmUpRoute}, until {@link #close}. */
    void open(Route warmUpRoute) {
        this.route = warmUpRoute;
    }

    /** From now on the token is refused. */
    void close() {
        this.route = null;
    }

    public boolean isOpen() {
        return route != null;
    }

    String token() {
        return token;
    }

    /**
     * The warm-up's caller when {@code presented} is its token, the warm-up runs and the request comes from this
     * machine; otherwise null, and the request is authenticated as any other.
     */
    public @Nullable Caller authenticate(@Nullable String presented, @Nullable InetSocketAddress remote) {
        if (route == null
                || presented == null
                || remote == null
                || remote.getAddress() == null
                || !remote.getAddress().isLoopbackAddress()) {
            return null;
        }
        return MessageDigest.isEqual(bearer, presented.getBytes(StandardCharsets.US_ASCII)) ? caller : null;
    }

    /** Whether this request carries the token while the warm-up runs (its server metrics are left out). */
    public boolean carries(@Nullable ServerHttpRequest request) {
        if (route == null || request == null) {
            return false;
        }
        String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        return authorization != null
                && authorization.startsWith("Bearer ")
                && MessageDigest.isEqual(bearer, authorization.substring(7).getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether {@code candidate} is the warm-up's caller. */
    boolean is(Caller candidate) {
        return candidate == caller;
    }

    /** The warm-up's route, while it runs. */
    @Nullable Route route() {
        return route;
    }
}
