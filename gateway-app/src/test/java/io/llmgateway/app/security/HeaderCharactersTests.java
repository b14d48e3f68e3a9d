package io.llmgateway.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The loop decides exactly as Spring Security's firewall's regular expressions do, for every character. */
class HeaderCharactersTests {

    private static final Pattern NAME = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");
    private static final Pattern VALUE = Pattern.compile("[\\p{IsAssigned}&&[[^\\p{IsControl}]||\\t]]*");

    @Test
    void everyCodePointAloneIsJudgedAsTheFirewallsPatternsJudgeIt() {
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            String text = "a" + new String(Character.toChars(codePoint)) + "b";
            assertThat(HeaderCharacters.allowedName(text))
                    .as("name with U+%04X", codePoint)
                    .isEqualTo(NAME.matcher(text).matches());
            assertThat(HeaderCharacters.allowedValue(text))
                    .as("value with U+%04X", codePoint)
                    .isEqualTo(VALUE.matcher(text).matches());
        }
    }

    @Test
    void loneSurrogatesAndMixedStringsToo() {
        Random random = new Random(42);
        char[] alphabet = {
            'a', 'Z', '0', ' ', '\t', '\n', '\r', '\u0000', '\u007f', '\u0085', '\u00e9', '\u2028', '\ud83d', '\ude00',
            '\udc00', '\ud800', '\uffff', '\u0378', '-', ':'
        };
        for (int i = 0; i < 100_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(8);
            for (int j = 0; j < length; j++) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String s = text.toString();
            assertThat(HeaderCharacters.allowedName(s))
                    .as("name %s", s.chars().boxed().toList())
                    .isEqualTo(NAME.matcher(s).matches());
            assertThat(HeaderCharacters.allowedValue(s))
                    .as("value %s", s.chars().boxed().toList())
                    .isEqualTo(VALUE.matcher(s).matches());
        }
    }

    @Test
    void ordinaryHeadersPassAndControlCharactersDoNot() {
        assertThat(HeaderCharacters.allowedName("X-User-Id")).isTrue();
        assertThat(HeaderCharacters.allowedValue("Bearer gws_abc.def")).isTrue();
        assertThat(HeaderCharacters.allowedValue("a\tb")).isTrue();
        assertThat(HeaderCharacters.allowedName("a\tb")).isFalse();
        assertThat(HeaderCharacters.allowedValue("a\nb")).isFalse();
        assertThat(HeaderCharacters.allowedValue("a\u0000b")).isFalse();
        assertThat(HeaderCharacters.allowedName(null)).isTrue();
        assertThat(HeaderCharacters.allowedValue(null)).isTrue();
    }
}
