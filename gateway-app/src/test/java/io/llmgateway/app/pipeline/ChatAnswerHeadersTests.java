package io.llmgateway.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChatAnswerHeadersTests {

    @Test
    void writesMillisecondsWithThreeDecimalsRoundedHalfUpToTheMicrosecond() {
        assertThat(ChatAnswerHeaders.millis(0)).isEqualTo("0.000");
        assertThat(ChatAnswerHeaders.millis(499)).isEqualTo("0.000");
        assertThat(ChatAnswerHeaders.millis(500)).isEqualTo("0.001");
        assertThat(ChatAnswerHeaders.millis(412_345)).isEqualTo("0.412");
        assertThat(ChatAnswerHeaders.millis(7_060_000)).isEqualTo("7.060");
        assertThat(ChatAnswerHeaders.millis(1_999_999_500L)).isEqualTo("2000.000");
        assertThat(ChatAnswerHeaders.millis(-5)).isEqualTo("0.000");
    }

    @Test
    void saysWhatTheFormatterSaid() {
        SplittableRandom random = new SplittableRandom(8);
        for (int i = 0; i < 100_000; i++) {
            // up to about 17 minutes, with every magnitude equally likely
            long nanos = random.nextLong(1L << random.nextInt(1, 41));
            String exact = BigDecimal.valueOf(nanos)
                    .movePointLeft(6)
                    .setScale(3, RoundingMode.HALF_UP)
                    .toPlainString();
            assertThat(ChatAnswerHeaders.millis(nanos))
                    .as("%d ns", nanos)
                    .isEqualTo(exact)
                    .isEqualTo(String.format(Locale.ROOT, "%.3f", nanos / 1_000_000.0));
        }
    }
}
