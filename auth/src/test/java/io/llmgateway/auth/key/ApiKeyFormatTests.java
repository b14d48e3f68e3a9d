package io.llmgateway.auth.key;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeyFormatTests {

    private final ApiKeyFormat format = new ApiKeyFormat();

    @Test
    void issuedKeysParseBackWithTheirKindIdAndSecret() {
        for (KeyKind kind : KeyKind.values()) {
            ApiKeyFormat.IssuedKey key = format.issue(kind);
            assertThat(key.token()).startsWith(kind.prefix()).hasSize(4 + 12 + 1 + 43 + 6);
            ApiKeyFormat.ParsedKey parsed = ApiKeyFormat.parse(key.token()).orElseThrow();
            assertThat(parsed.kind()).isEqualTo(kind);
            assertThat(parsed.keyId()).isEqualTo(key.keyId());
            assertThat(parsed.secret()).isEqualTo(key.secret());
            assertThat(SecretHash.matches(parsed.secret(), SecretHash.of(key.secret())))
                    .isTrue();
        }
    }

    @Test
    void everySingleCharacterTypoIsRejectedByTheChecksum() {
        String token = format.issue(KeyKind.SERVICE).token();
        for (int i = 4; i < token.length(); i++) {
            char replacement = token.charAt(i) == 'a' ? 'b' : 'a';
            String typo = token.substring(0, i) + replacement + token.substring(i + 1);
            assertThat(ApiKeyFormat.parse(typo)).as("typo at %d", i).isEmpty();
        }
        assertThat(ApiKeyFormat.parse(token.substring(0, token.length() - 1))).isEmpty();
        assertThat(ApiKeyFormat.parse("gwx_" + token.substring(4))).isEmpty();
        assertThat(ApiKeyFormat.parse(null)).isEmpty();
    }

    @Test
    void secretsAndIdsAreUniqueAndNeverPrintedByToString() {
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ApiKeyFormat.IssuedKey key = format.issue(KeyKind.PAT);
            assertThat(secrets.add(key.secret())).isTrue();
            assertThat(key.toString()).doesNotContain(key.secret());
        }
    }

    @Test
    void rotationKeepsTheKeyIdWithANewSecret() {
        ApiKeyFormat.IssuedKey first = format.issue(KeyKind.SERVICE);
        ApiKeyFormat.IssuedKey rotated = format.issue(KeyKind.SERVICE, first.keyId());
        assertThat(rotated.keyId()).isEqualTo(first.keyId());
        assertThat(rotated.secret()).isNotEqualTo(first.secret());
    }
}
