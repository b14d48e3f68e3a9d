package io.llmgateway.app.config;

import io.llmgateway.core.protocol.ChatCompletion;
import io.llmgateway.core.protocol.ChatCompletionChunk;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import io.llmgateway.core.protocol.ErrorBody;
import io.llmgateway.core.protocol.Usage;
import java.math.BigDecimal;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the mapper's serializers and deserializers for the wire records at start-up, on the main thread. Jackson
 * creates them on first use under a lock; left to the first requests, several event-loop threads would wait for
 * each other there (and the first request would pay for it).
 */
final class JsonWarmUp {

    private static final String REQUEST = """
            {"model":"warm-up","messages":[{"role":"user","content":"hi"}],"stream":true,
             "stream_options":{"include_usage":true},"max_tokens":1}""";

    private JsonWarmUp() {}

    static JsonMapper warm(JsonMapper json) {
        // chat and embedding bodies are read as a tree first, and the chat request from that tree
        ObjectNode tree = json.readValue(REQUEST, ObjectNode.class);
        json.readValue(REQUEST, JsonNode.class);
        json.treeToValue(tree, ChatCompletionRequest.class);
        json.readValue(REQUEST, ChatCompletionRequest.class);
        json.readValue(
                json.writeValueAsBytes(ChatCompletionChunk.usageOnly("id", 0L, "m", Usage.of(1, 1))),
                ChatCompletionChunk.class);
        json.readValue(
                        "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[],\"usage\":"
                                + "{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}",
                        ChatCompletion.class)
                .withUsage(Usage.of(1, 1));
        json.writeValueAsBytes(
                json.readValue("{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[]}", ChatCompletion.class));
        json.writeValueAsBytes(ErrorBody.of("warm", "server_error", null, null));
        json.writeValueAsBytes(List.of());
        // the cost in a usage, and the first chunk read back when the gateway adds a usage chunk
        json.writeValueAsBytes(BigDecimal.ONE);
        json.readTree("{\"id\":\"x\",\"created\":1}");
        return json;
    }
}
