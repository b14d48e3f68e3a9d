package io.llmgateway.app.security;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The address of the client behind a request. It is the connection's peer, unless that peer is one of the configured
 * trusted proxies ({@code gateway.http.trusted-proxies}, e.g. the Ingress controller's addresses): then the client
 * is the nearest address in {@code Forwarded} (or else {@code X-Forwarded-For}) that is not itself a trusted proxy,
 * read from the right, where the trusted proxies appended what they saw. A header from any other peer is ignored, so
 * a client cannot choose its own address. Addresses are parsed as literals only (never looked up).
 */
public final class ClientAddresses {

    private static final String UNKNOWN = "unknown";

    private final List<Cidr> trustedProxies;

    /** @param trustedProxies addresses or CIDR ranges, e.g. {@code 10.0.0.0/8}, {@code fd00::/8}, {@code 127.0.0.1} */
    public ClientAddresses(List<String> trustedProxies) {
        List<Cidr> ranges = new ArrayList<>();
        for (String entry : trustedProxies) {
            ranges.add(Cidr.parse(entry));
        }
        this.trustedProxies = List.copyOf(ranges);
    }

    /** The client's address, as text. */
    public String of(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        byte[] peer = remote == null || remote.getAddress() == null
                ? null
                : remote.getAddress().getAddress();
        if (peer == null) {
            return UNKNOWN;
        }
        if (trustedProxies.isEmpty() || !trusted(peer)) {
            return text(peer);
        }
        List<String> hops = hops(request.getHeaders());
        for (int i = hops.size() - 1; i >= 0; i--) {
            byte[] hop = literal(hops.get(i));
            if (hop == null) {
                break; // a proxy wrote something that is not an address: its own peer is all that is known
            }
            if (!trusted(hop)) {
                return text(hop);
            }
            peer = hop;
        }
        return text(peer);
    }

    private boolean trusted(byte[] address) {
        for (Cidr range : trustedProxies) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The addresses the proxies recorded, oldest first: {@code Forwarded}'s {@code for=}, else X-Forwarded-For. */
    private static List<String> hops(HttpHeaders headers) {
        List<String> hops = new ArrayList<>();
        List<String> forwarded = headers.get("Forwarded");
        if (forwarded != null && !forwarded.isEmpty()) {
            for (String header : forwarded) {
                for (String element : header.split(",")) {
                    String forValue = null;
                    for (String pair : element.split(";")) {
                        String trimmed = pair.strip();
                        if (trimmed.regionMatches(true, 0, "for=", 0, 4)) {
                            forValue = trimmed.substring(4);
                        }
                    }
                    hops.add(forValue == null ? "" : forValue);
                }
            }
            return hops;
        }
        List<String> forwardedFor = headers.get("X-Forwarded-For");
        if (forwardedFor != null) {
            for (String header : forwardedFor) {
                for (String hop : header.split(",")) {
                    hops.add(hop);
                }
            }
        }
        return hops;
    }

    /** The bytes of an address literal such as {@code 192.0.2.1}, {@code "[2001:db8::1]:4711"}; null otherwise. */
    static byte @Nullable [] literal(String hop) {
        String text = hop.strip();
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            text = text.substring(1, text.length() - 1);
        }
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                return null;
            }
            text = text.substring(1, close);
        } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') > 0) {
            text = text.substring(0, text.indexOf(':')); // IPv4 with a port
        }
        return NetUtil.createByteArrayFromIpAddressString(text);
    }

    private static String text(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress(); // no look-up: the bytes are given
        } catch (UnknownHostException e) {
            return UNKNOWN;
        }
    }

    /** An address range: an address and the number of leading bits that must match. */
    private record Cidr(byte[] network, int bits) {

        static Cidr parse(String entry) {
            String text = entry.strip();
            int slash = text.indexOf('/');
            byte[] address = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException(
                        "gateway.http.trusted-proxies: '" + entry + "' is not an IP address or CIDR range");
            }
            int bits = address.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > address.length * 8) {
                    throw new IllegalArgumentException(
                            "gateway.http.trusted-proxies: '" + entry + "' has an invalid prefix length");
                }
            }
            return new Cidr(address, bits);
        }

        boolean contains(byte[] address) {
            byte[] candidate = address;
            if (candidate.length != network.length) {
                // an IPv4 client seen as an IPv4-mapped IPv6 address, or the other way round
                candidate = candidate.length == 16 && network.length == 4 ? mappedIpv4(candidate) : null;
                if (candidate == null) {
                    return false;
                }
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (candidate[full] & mask) == (network[full] & mask);
        }

        private static byte @Nullable [] mappedIpv4(byte[] ipv6) {
            for (int i = 0; i < 10; i++) {
                if (ipv6[i] != 0) {
                    return null;
                }
            }
            if (ipv6[10] != (byte) 0xFF || ipv6[11] != (byte) 0xFF) {
                return null;
            }
            return new byte[] {ipv6[12], ipv6[13], ipv6[14], ipv6[15]};
        }
    }
}
