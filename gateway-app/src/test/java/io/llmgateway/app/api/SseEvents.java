package io.llmgateway.app.api;

import java.util.ArrayList;
import java.util.List;

/** Splits a whole {@code text/event-stream} body into its {@code data:} payloads, for assertions. */
final class SseEvents {

    private SseEvents() {}

    static List<String> data(String body) {
        List<String> events = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            if (event.isBlank()) {
                continue;
            }
            if (!event.startsWith("data: ")) {
                throw new AssertionError("not a data event: " + event);
            }
            events.add(event.substring("data: ".length()));
        }
        return events;
    }
}
