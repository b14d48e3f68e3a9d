package io.llmgateway.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte as the test writes it: paths, headers and bodies that a well-behaved
 * client library would refuse to send (a raw NUL, a broken percent-encoding, a header too long) reach the gateway as
 * they are. One request per connection ({@code Connection: close}); the answer is read until the server closes.
 */
public final class RawHttp {

    private static final int TIMEOUT_MILLIS = 30_000;

    private final String host;
    private final int port;

    public RawHttp(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** Sends the request line, the headers (plus Host, Connection and Content-Length) and the body. */
    public Response send(String method, String target, Map<String, String> headers, byte[] body) {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        write(head, method + " " + target + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nConnection: close\r\n");
        headers.forEach((name, value) -> write(head, name + ": " + value + "\r\n"));
        if (body != null) {
            write(head, "Content-Length: " + body.length + "\r\n");
        }
        write(head, "\r\n");
        return exchange(head.toByteArray(), body);
    }

    /** Sends bytes exactly as given (request line, headers and body) and reads the answer. */
    public Response sendRaw(byte[] request) {
        return exchange(request, null);
    }

    private Response exchange(byte[] head, byte[] body) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return Response.parse(readAll(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException("no answer from the gateway", e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        int read;
        try {
            while ((read = in.read(buffer)) >= 0) {
                all.write(buffer, 0, read);
            }
        } catch (SocketException reset) {
            // the server closed while we still had something to send or read: what arrived is the answer
        }
        return all.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** An answer: its status (0 when none arrived), headers (names in lower case) and decoded body. */
    public record Response(int status, Map<String, String> headers, byte[] body) {

        static Response parse(byte[] raw) {
            // interim answers (100 Continue) come before the real one
            while (raw.length > 12
                    && new String(raw, 0, 12, StandardCharsets.ISO_8859_1).matches("HTTP/1\\.1 1\\d\\d")) {
                int interimEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
                if (interimEnd < 0) {
                    break;
                }
                raw = Arrays.copyOfRange(raw, interimEnd + 4, raw.length);
            }
            int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
            if (end < 0) {
                return new Response(0, Map.of(), raw);
            }
            String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            int status = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : 0;
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(
                            lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).strip());
                }
            }
            byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = dechunk(body);
            }
            return new Response(status, headers, body);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        private static byte[] dechunk(byte[] chunked) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = 0;
            while (at < chunked.length) {
                int lineEnd = indexOf(chunked, "\r\n".getBytes(StandardCharsets.ISO_8859_1), at);
                if (lineEnd < 0) {
                    break;
                }
                String sizeText =
                        new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].strip();
                int size;
                try {
                    size = Integer.parseInt(sizeText, 16);
                } catch (NumberFormatException e) {
                    break;
                }
                if (size == 0) {
                    break;
                }
                int start = lineEnd + 2;
                int stop = Math.min(chunked.length, start + size);
                out.write(chunked, start, stop - start);
                at = stop + 2;
            }
            return out.toByteArray();
        }

        private static int indexOf(byte[] data, byte[] pattern, int from) {
            outer:
            for (int i = from; i <= data.length - pattern.length; i++) {
                for (int j = 0; j < pattern.length; j++) {
                    if (data[i + j] != pattern[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
