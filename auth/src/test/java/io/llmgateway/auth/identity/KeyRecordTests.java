package io.llmgateway.auth.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.auth.key.KeyKind;
import io.llmgateway.auth.key.SecretHash;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KeyRecordTests {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private static KeyRecord key(Instant expires, Instant revoked, String previous, Instant previousUntil) {
        return new KeyRecord(
                "id",
                KeyKind.SERVICE,
                "k",
                null,
                "p",
                SecretHash.of("current"),
                previous == null ? null : SecretHash.of(previous),
                previousUntil,
                expires,
                revoked);
    }

    @Test
    void theCurrentSecretOpensAnActiveKey() {
        assertThat(key(null, null, null, null).accepts("current", NOW)).isTrue();
        assertThat(key(null, null, null, null).accepts("wrong", NOW)).isFalse();
    }

    @Test
    void expiryAndRevocationCloseTheKey() {
        assertThat(key(NOW.plusSeconds(1), null, null, null).accepts("current", NOW))
                .isTrue();
        assertThat(key(NOW, null, null, null).accepts("current", NOW)).isFalse();
        assertThat(key(null, NOW.minusSeconds(1), null, null).accepts("current", NOW))
                .isFalse();
    }

    @Test
    void thePreviousSecretWorksOnlyDuringItsGrace() {
        assertThat(key(null, null, "old", NOW.plusSeconds(10)).accepts("old", NOW))
                .isTrue();
        assertThat(key(null, null, "old", NOW).accepts("old", NOW)).isFalse();
        assertThat(key(null, NOW, "old", NOW.plusSeconds(10)).accepts("old", NOW))
                .as("revoked")
                .isFalse();
    }
}
