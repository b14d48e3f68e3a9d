package io.llmgateway.app;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.testsupport.NettyLeakGuard;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link NettyLeakGuard} is registered for the whole suite: a Netty buffer that is never released fails the test
 * class that ran when it was found, and a buffer that is released does not.
 */
class NettyLeakGuardTests {

    @Test
    void aBufferThatIsNeverReleasedFailsTheCheck() throws InterruptedException {
        NettyLeakGuard.check("the tests before this one"); // nothing lost so far, or that class would have failed

        loseABuffer();

        assertThatThrownBy(() -> NettyLeakGuard.check("this test"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Netty buffers were never released, during this test")
                .hasMessageContaining("LEAK of a ByteBuf");
        assertThatCode(() -> NettyLeakGuard.check("this test, reported once")).doesNotThrowAnyException();
    }

    @Test
    void releasedBuffersPassTheCheck() {
        for (int i = 0; i < 1_000; i++) {
            ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(64);
            buffer.writeCharSequence("released " + i, StandardCharsets.US_ASCII);
            buffer.release();
        }
        assertThatCode(() -> NettyLeakGuard.check("released buffers")).doesNotThrowAnyException();
    }

    /** A buffer allocated, written and dropped without {@code release()}, in its own frame so nothing holds it. */
    private static void loseABuffer() {
        ByteBuf lost = ByteBufAllocator.DEFAULT.directBuffer(64);
        lost.writeCharSequence("never released", StandardCharsets.US_ASCII);
    }
}
