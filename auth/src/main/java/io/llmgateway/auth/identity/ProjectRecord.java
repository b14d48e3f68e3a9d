package io.llmgateway.auth.identity;

import java.util.List;

/**
 * A project as authorisation sees it.
 *
 * @param allowedModels null when every configured model is allowed; otherwise the only model ids it may call
 */
public record ProjectRecord(String id, String name, List<String> allowedModels) {

    public boolean allows(String modelId) {
        return allowedModels == null || allowedModels.contains(modelId);
    }
}
