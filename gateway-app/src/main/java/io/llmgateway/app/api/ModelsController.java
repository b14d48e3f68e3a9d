package io.llmgateway.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.app.routing.Route;
import io.llmgateway.auth.Caller;
import io.llmgateway.core.error.InvalidRequestException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}} in OpenAI's shapes. */
@Tag(name = "Models")
@RestController
public class ModelsController {

    private final ModelRouter router;
    private final long created = Instant.now().getEpochSecond();

    public ModelsController(ModelRouter router) {
        this.router = router;
    }

    /** The models the caller's project may use. */
    @Operation(
            operationId = "listModels",
            summary = "List the models",
            description = "The models the caller's project may use: the configured ones in configuration order,"
                    + " then the in-process `all-minilm-l6-v2`.")
    @GetMapping("/v1/models")
    public ModelList list(Caller caller) {
        return new ModelList(
                "list",
                router.routes().stream()
                        .filter(route -> caller.mayUse(route.modelId()))
                        .map(this::model)
                        .toList());
    }

    /** Model ids may contain slashes ({@code microsoft/phi-3.5-moe-instruct}): the rest of the path is the id. */
    @Operation(
            operationId = "retrieveModel",
            summary = "Retrieve a model",
            description = "Model ids may contain slashes: `/v1/models/microsoft/phi-3.5-moe-instruct`.")
    @GetMapping("/v1/models/{*id}")
    public Model get(Caller caller, @PathVariable String id) {
        Route route = router.resolve(id.startsWith("/") ? id.substring(1) : id);
        if (!caller.mayUse(route.modelId())) {
            throw InvalidRequestException.modelNotFound(route.modelId());
        }
        return model(route);
    }

    private Model model(Route route) {
        return new Model(route.modelId(), "model", created, route.ownedBy());
    }

    /** OpenAI's list wrapper. */
    public record ModelList(String object, List<Model> data) {}

    /** One model as OpenAI lists it. */
    public record Model(
            String id,
            String object,
            long created,
            @JsonProperty("owned_by") String ownedBy) {}
}
