package io.llmgateway.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An upstream embedding model for {@link FakeUpstream}: OpenAI's {@code /embeddings} answer with one vector per
 * input, built by feature hashing of the input's words (so texts that share words are close, as with a real
 * model), and {@code usage.prompt_tokens} = the number of words.
 */
public final class FakeEmbeddings {

    public static final int DIMENSIONS = 64;

    private FakeEmbeddings() {}

    /** The answer to an {@code /embeddings} request (its {@code input}: a string or a list of strings). */
    public static FakeUpstream.Reply reply(FakeUpstream.RecordedRequest request) {
        JsonNode body = TestJson.mapper().readTree(request.body());
        List<String> inputs = inputs(body.path("input"));
        ObjectNode answer = TestJson.mapper().createObjectNode();
        answer.put("object", "list");
        ArrayNode data = answer.putArray("data");
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            ArrayNode vector = item.putArray("embedding");
            for (float value : vector(inputs.get(i))) {
                vector.add(value);
            }
            tokens += words(inputs.get(i)).size();
        }
        answer.put("model", body.path("model").asString());
        answer.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return FakeUpstream.Reply.json(200, answer.toString());
    }

    /** The texts of a recorded {@code /embeddings} request. */
    public static List<String> inputs(FakeUpstream.RecordedRequest request) {
        return inputs(TestJson.mapper().readTree(request.body()).path("input"));
    }

    /** The vector of one text: its words hashed into {@value #DIMENSIONS} buckets, L2-normalised. */
    public static float[] vector(String text) {
        float[] vector = new float[DIMENSIONS];
        for (String word : words(text)) {
            int hash = Arrays.hashCode(word.getBytes(StandardCharsets.UTF_8));
            vector[Math.floorMod(hash, DIMENSIONS)] += (hash & 0x10000) == 0 ? 1 : -1;
        }
        double norm = 0;
        for (float value : vector) {
            norm += value * value;
        }
        if (norm > 0) {
            for (int i = 0; i < vector.length; i++) {
                vector[i] = (float) (vector[i] / Math.sqrt(norm));
            }
        }
        return vector;
    }

    private static List<String> inputs(JsonNode input) {
        List<String> inputs = new ArrayList<>();
        if (input.isString()) {
            inputs.add(input.stringValue());
        } else {
            input.forEach(item -> inputs.add(item.asString()));
        }
        return inputs;
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }
}
