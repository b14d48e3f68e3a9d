package io.llmgateway.testsupport;

import java.util.ArrayList;
import java.util.List;

/** Recorded-style OpenAI bodies for fake upstreams. */
public final class OpenAiFixtures {

    private OpenAiFixtures() {}

    /** A {@code chat.completion} answering {@code text}, with usage. */
    public static String completion(String model, String text, int promptTokens, int completionTokens) {
        return """
                {"id":"chatcmpl-up1","object":"chat.completion","created":1700000000,"model":"%s",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"logprobs":null,
                 "finish_reason":"stop"}],
                 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d},
                 "system_fingerprint":"fp_up","x_upstream_extra":{"kept":true}}
                """.formatted(model, text, promptTokens, completionTokens, promptTokens + completionTokens);
    }

    /** One {@code chat.completion.chunk} event carrying a content delta (role on the first). */
    public static String chunkEvent(String model, int index, String content) {
        String role = index == 0 ? "\"role\":\"assistant\"," : "";
        return "data: {\"id\":\"chatcmpl-up1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"delta\":{" + role + "\"content\":\""
                + content + "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
    }

    /** The final chunk with {@code finish_reason: stop}. */
    public static String finishEvent(String model) {
        return "data: {\"id\":\"chatcmpl-up1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\"}]}\n\n";
    }

    /** The usage chunk of {@code include_usage}: empty choices. */
    public static String usageEvent(String model, int promptTokens, int completionTokens) {
        return "data: {\"id\":\"chatcmpl-up1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"" + model + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens
                + ",\"completion_tokens\":" + completionTokens + ",\"total_tokens\":"
                + (promptTokens + completionTokens) + "}}\n\n";
    }

    public static final String DONE = "data: [DONE]\n\n";

    /** A whole stream: one event per word, a finish event, optionally usage, then [DONE]. */
    public static List<String> stream(String model, List<String> words, boolean withUsage) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            events.add(chunkEvent(model, i, words.get(i)));
        }
        events.add(finishEvent(model));
        if (withUsage) {
            events.add(usageEvent(model, 9, words.size()));
        }
        events.add(DONE);
        return events;
    }
}
