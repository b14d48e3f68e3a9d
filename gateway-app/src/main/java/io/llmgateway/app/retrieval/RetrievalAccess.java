package io.llmgateway.app.retrieval;

import io.llmgateway.auth.Caller;
import io.llmgateway.core.error.AccessException;

/**
 * A project's {@code allowed_models} cover retrieval too: attaching files (which embeds them), searching a store and
 * {@code rag_params} all use the retrieval embedding model, so a project that may not use that model may not use
 * them either (403 {@code model_not_allowed} naming the field that asked for it). Uploading a file embeds nothing.
 */
public final class RetrievalAccess {

    private final String embeddingModel;

    RetrievalAccess(String embeddingModel) {
        this.embeddingModel = embeddingModel;
    }

    /** Throws the 403 when the caller's project may not use the embedding model; {@code param} asked for it. */
    public void check(Caller caller, String param) {
        if (!caller.mayUse(embeddingModel)) {
            throw AccessException.modelNotAllowed(
                    embeddingModel,
                    param,
                    "Your project is not allowed to use the"
                            + " model '" + embeddingModel + "', which retrieval embeds with; an admin can add it to the"
                            + " project's allowed_models.");
        }
    }
}
