package io.llmgateway.provider.openai.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseEventParserTests {

    private static List<SseEvent> parse(String... slices) {
        SseEventParser parser = new SseEventParser();
        List<SseEvent> events = new ArrayList<>();
        for (String slice : slices) {
            byte[] bytes = slice.getBytes(StandardCharsets.UTF_8);
            events.addAll(parser.feed(bytes, 0, bytes.length));
        }
        events.addAll(parser.finish());
        return events;
    }

    private static List<String> data(List<SseEvent> events) {
        return events.stream().map(SseEvent::data).toList();
    }

    @Test
    void oneEventPerBlankLine() {
        assertThat(data(parse("data: a\n\ndata: b\n\n"))).containsExactly("a", "b");
    }

    @Test
    void eventsSplitAnywhereAcrossReads() {
        String stream = "data: {\"x\":1}\n\ndata: {\"y\":2}\n\n";
        for (int cut = 0; cut <= stream.length(); cut++) {
            assertThat(data(parse(stream.substring(0, cut), stream.substring(cut))))
                    .as("cut at %d", cut)
                    .containsExactly("{\"x\":1}", "{\"y\":2}");
        }
    }

    @Test
    void crLfAndLoneCrEndLinesEvenWhenTheCrLfPairIsSplit() {
        assertThat(data(parse("data: a\r", "\n\r", "\ndata: b\r\rdata: c\n\n"))).containsExactly("a", "b", "c");
    }

    @Test
    void severalDataLinesJoinWithNewlines() {
        assertThat(data(parse("data: {\"a\":\ndata: 1}\n\n"))).containsExactly("{\"a\":\n1}");
    }

    @Test
    void commentsAndUnknownFieldsAreIgnoredAndEventTypeIsKept() {
        List<SseEvent> events = parse(": ping\n\nid: 7\nretry: 100\nevent: error\ndata: boom\n\n");
        assertThat(events).containsExactly(new SseEvent("error", "boom"));
    }

    @Test
    void onlyOneSpaceAfterTheColonIsDropped() {
        assertThat(data(parse("data:x\n\ndata:  y\n\n"))).containsExactly("x", " y");
    }

    @Test
    void anUnterminatedLastEventIsStillDelivered() {
        assertThat(data(parse("data: a\n\ndata: last"))).containsExactly("a", "last");
    }

    @Test
    void multiByteCharactersSplitAcrossReadsSurvive() {
        byte[] bytes = "data: héllo ✓\n\n".getBytes(StandardCharsets.UTF_8);
        SseEventParser parser = new SseEventParser();
        List<SseEvent> events = new ArrayList<>();
        for (byte b : bytes) {
            events.addAll(parser.feed(new byte[] {b}, 0, 1));
        }
        assertThat(data(events)).containsExactly("héllo ✓");
    }

    @Test
    void doneIsRecognised() {
        assertThat(parse("data: [DONE]\n\n").get(0).isDone()).isTrue();
    }

    @Test
    void aLineOrAnEventLongerThanTheLimitFailsAsSoonAsItIsSeen() {
        SseEventParser lines = new SseEventParser(100);
        byte[] head = "data: ".getBytes(StandardCharsets.UTF_8);
        lines.feed(head, 0, head.length);
        byte[] endless = "x".repeat(94).getBytes(StandardCharsets.UTF_8);
        assertThat(lines.feed(endless, 0, endless.length)).isEmpty();
        assertThatThrownBy(() -> lines.feed(new byte[] {'x'}, 0, 1))
                .isInstanceOf(SseTooLargeException.class)
                .hasMessageContaining("longer than 100 bytes");

        // each data line fits, but together they make an event over the limit
        SseEventParser events = new SseEventParser(100);
        byte[] line = ("data: " + "y".repeat(60) + "\n").getBytes(StandardCharsets.UTF_8);
        events.feed(line, 0, line.length);
        assertThatThrownBy(() -> events.feed(line, 0, line.length)).isInstanceOf(SseTooLargeException.class);

        SseEventParser fits = new SseEventParser(100);
        byte[] exact = ("data: " + "z".repeat(100) + "\n\n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> fits.feed(exact, 0, exact.length))
                .as("the line with its field name is 106 bytes")
                .isInstanceOf(SseTooLargeException.class);
        byte[] small = ("data: " + "z".repeat(90) + "\n\n").getBytes(StandardCharsets.UTF_8);
        assertThat(new SseEventParser(100).feed(small, 0, small.length)).hasSize(1);
    }
}
