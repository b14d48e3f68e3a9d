package io.llmgateway.provider.octo;

import io.llmgateway.core.answer.ScannedAnswer;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.UpstreamCall;
import java.util.TreeSet;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
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

    public OctoChatProvider(ChatProvider transport, OctoOptions options) {
        this.transport = transport;
        this.options = options;
    }

    @Override
    public Mono<ScannedAnswer> complete(UpstreamCall call) {
        return Mono.defer(() -> transport.complete(adapt(call)));
    }

    @Override
    public Flux<ScannedAnswer> stream(UpstreamCall call) {
        return Flux.defer(() -> transport.stream(adapt(call)));
    }

    @Override
    public Mono<Void> keepWarm() {
        return transport.keepWarm();
    }

    UpstreamCall adapt(UpstreamCall call) {
        ChatCompletionRequest request = call.request();
        if (request.peft() == null
                && request.loglikelihood() == null
                && !call.body().has("log_prompt")) {
            return call;
        }
        ObjectNode body = call.copyOfBody();
        if (request.peft() != null) {
            String model = options.peftModels().get(request.peft());
            if (model == null) {
                throw InvalidRequestException.invalidParameter(
                        "peft",
                        "Unknown peft adapter '" + request.peft() + "'; this model serves: "
                                + new TreeSet<>(options.peftModels().keySet()) + ".");
            }
            body.put("model", model);
            body.remove("peft");
        }
        if (Boolean.TRUE.equals(request.loglikelihood()) && !body.has("prompt_logprobs")) {
            body.put("prompt_logprobs", 1);
        }
        body.remove("loglikelihood");
        body.remove("log_prompt");
        return call.withBody(body);
    }
}
