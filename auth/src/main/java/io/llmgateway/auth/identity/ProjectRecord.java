package io.llmgateway.auth.identity;

import io.llmgateway.core.protocol.Unmodifiable;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A project as authorisation sees it.
 *
 * @param allowedModels null when every configured model is allowed; otherwise the only model ids it may call
 * @param promptLogging whether requests may ask for {@code log_prompt} (prompts stored with usage records)
 */
public record ProjectRecord(
        String id, String name, @Nullable List<String> allowedModels, boolean promptLogging) {

    public ProjectRecord {
        allowedModels = Unmodifiable.list(allowedModels);
    }

    public boolean allows(String modelId) {
        return allowedModels == null || allowedModels.contains(modelId);
    }
}
