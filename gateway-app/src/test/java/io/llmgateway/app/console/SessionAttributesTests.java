package io.llmgateway.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.security.ConsoleAuthentication;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.server.csrf.DefaultCsrfToken;

/** What a console session holds survives the database, and nothing else can be read back from it. */
class SessionAttributesTests {

    /** Serializable, but no class a session holds. */
    record Gadget(String command) implements Serializable {}

    @Test
    void theSignedInUserAndTheCsrfTokenComeBack() {
        ConsoleAuthentication who = new ConsoleAuthentication("sso", "olivia", false, "sso");
        byte[] stored = SessionAttributes.write(Map.of(
                "SPRING_SECURITY_CONTEXT",
                new SecurityContextImpl(who),
                "csrf",
                new DefaultCsrfToken("X-CSRF-TOKEN", "_csrf", "token-1"),
                "list",
                List.of("a", "b")));

        Map<String, Object> read = SessionAttributes.read(stored);

        SecurityContextImpl context = (SecurityContextImpl) read.get("SPRING_SECURITY_CONTEXT");
        assertThat(context.getAuthentication()).isInstanceOfSatisfying(ConsoleAuthentication.class, back -> {
            assertThat(back.userId()).isEqualTo("olivia");
            assertThat(back.isAuthenticated()).isTrue();
        });
        assertThat(((DefaultCsrfToken) read.get("csrf")).getToken()).isEqualTo("token-1");
        assertThat(read.get("list")).isEqualTo(List.of("a", "b"));
    }

    @Test
    void aRowNamingAnyOtherClassGivesAnEmptySessionNotAnInstance() {
        byte[] stored = SessionAttributes.write(Map.of("x", new Gadget("rm -rf /")));

        assertThat(SessionAttributes.read(stored)).isEmpty();
        assertThat(SessionAttributes.read(new byte[] {1, 2, 3})).isEmpty();
    }
}
