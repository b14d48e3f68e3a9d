package io.llmgateway.provider.octo;

import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.ChatCompletion;
import io.llmgateway.core.protocol.ChatCompletionChunk;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import io.llmgateway.core.provider.ChatProvider;
import java.util.TreeSet;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * OctoAI-style parameters on an OpenAI-compatible self-hosted engine (vLLM class), over the OpenAI transport:
 *
 * <ul>
 *   <li>{@code min_p}, {@code repetition_penalty}, {@code ignore_eos}, {@code logit_bias}, {@code logprobs},
 *   {@code response_format} and tools pass through as they are;</li>
 *   <li>{@code peft} selects a fine-tuned adapter: the request goes to the model name configured for it, and an
 *   unknown {@code peft} is a 400;</li>
 *   <li>{@code loglikelihood: true} becomes the engine's {@code prompt_logprobs: 1};</li>
 *   <li>{@code log_prompt} is the gateway's business (the usage ledger), not the engine's, and is not sent.</li>
 * </ul>
 */
public final class OctoChatProvider implements ChatProvider {

    private final ChatProvider transport;
    private final OctoOptions options;
    private final JsonMapper json;

    public OctoChatProvider(ChatProvider transport, OctoOptions options, JsonMapper json) {
        this.transport = transport;
        this.options = options;
        this.json = json;
    }

    @Override
    public Mono<ChatCompletion> complete(ChatCompletionRequest request) {
        return Mono.defer(() -> transport.complete(adapt(request)));
    }

    @Override
    public Flux<ChatCompletionChunk> stream(ChatCompletionRequest request) {
        return Flux.defer(() -> transport.stream(adapt(request)));
    }

    ChatCompletionRequest adapt(ChatCompletionRequest request) {
        if (request.peft() == null && request.loglikelihood() == null && request.logPrompt() == null) {
            return request;
        }
        ObjectNode body = json.valueToTree(request);
        if (request.peft() != null) {
            String model = options.peftModels().get(request.peft());
            if (model == null) {
                throw InvalidRequestException.invalidParameter("peft", "Unknown peft adapter '" + request.peft()
                        + "'; this model serves: " + new TreeSet<>(options.peftModels().keySet()) + ".");
            }
            body.put("model", model);
            body.remove("peft");
        }
        if (Boolean.TRUE.equals(request.loglikelihood()) && !body.has("prompt_logprobs")) {
            body.put("prompt_logprobs", 1);
        }
        body.remove("loglikelihood");
        body.remove("log_prompt");
        return json.treeToValue(body, ChatCompletionRequest.class);
    }
}
