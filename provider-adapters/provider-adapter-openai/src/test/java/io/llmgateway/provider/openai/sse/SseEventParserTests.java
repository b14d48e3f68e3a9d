package io.llmgateway.provider.openai.sse;

import static org.assertj.core.api.Assertions.assertThat;

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
                    .as("cut at %d", cut).containsExactly("{\"x\":1}", "{\"y\":2}");
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
}
