package io.llmgateway.provider.octo;

import java.util.Map;

/**
 * Settings of an {@code octo} deployment.
 *
 * @param peftModels fine-tuned adapters by {@code peft} id, each with the model name the engine serves it under
 *                   (vLLM serves a LoRA adapter as its own model); a {@code peft} not listed is a 400
 */
public record OctoOptions(Map<String, String> peftModels) {

    public static final OctoOptions DEFAULTS = new OctoOptions(Map.of());

    public OctoOptions {
        peftModels = peftModels == null ? Map.of() : Map.copyOf(peftModels);
    }
}
