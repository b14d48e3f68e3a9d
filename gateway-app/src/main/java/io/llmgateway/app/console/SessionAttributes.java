package io.llmgateway.app.console;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A session's attributes as bytes and back: Java serialization, as Spring Session's JDBC store does, restricted on
 * the way back to the classes a console session holds (Spring Security's context, OAuth2 and CSRF objects, the
 * JDK's collections and the gateway's own), so that a row written by anyone else cannot instantiate anything else.
 */
final class SessionAttributes {

    private static final ObjectInputFilter ALLOWED = ObjectInputFilter.Config.createFilter(
            "maxdepth=20;maxrefs=10000;maxbytes=1000000;java.**;org.springframework.security.**;"
                    + "org.springframework.util.**;io.llmgateway.app.security.ConsoleAuthentication;com.nimbusds.**;"
                    + "net.minidev.**;!*");

    private SessionAttributes() {}

    static byte[] write(Map<String, Object> attributes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new HashMap<>(attributes));
        } catch (IOException e) {
            throw new UncheckedIOException("a console session attribute cannot be stored", e);
        }
        return bytes.toByteArray();
    }

    /** The attributes; empty when the bytes are not a session's (another version of a class, say). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> read(byte[] stored) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(stored))) {
            in.setObjectInputFilter(ALLOWED);
            return new HashMap<>((Map<String, Object>) in.readObject());
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            return new HashMap<>();
        }
    }
}
