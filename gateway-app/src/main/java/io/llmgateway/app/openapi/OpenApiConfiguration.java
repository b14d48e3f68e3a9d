package io.llmgateway.app.openapi;

import io.llmgateway.app.admin.AdminActor;
import io.llmgateway.app.admin.LimitsAdminStore;
import io.llmgateway.app.admin.ProjectAdminStore;
import io.llmgateway.app.admin.UserAdminStore;
import io.llmgateway.app.embeddings.EmbeddingsController;
import io.llmgateway.app.limits.Limits;
import io.llmgateway.app.retrieval.VectorStoreRequests;
import io.llmgateway.auth.Caller;
import io.llmgateway.core.protocol.ChatCompletion;
import io.llmgateway.core.protocol.ChatCompletionChunk;
import io.llmgateway.core.protocol.StringOrList;
import io.llmgateway.core.protocol.ToolChoice;
import io.llmgateway.retrieval.RetrievalViews;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.SpringDocCustomizers;
import org.springdoc.core.properties.SpringDocConfigProperties;
import org.springdoc.core.providers.SpringDocProviders;
import org.springdoc.core.service.AbstractRequestService;
import org.springdoc.core.service.GenericResponseService;
import org.springdoc.core.service.OpenAPIService;
import org.springdoc.core.service.OperationService;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.beans.factory.ObjectFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI document's beans, and what springdoc is told about types it cannot read: the arguments the gateway
 * resolves itself, Jackson 3's trees, the values written in one of two forms, and the bodies read by the gateway's
 * own readers ({@link WireBodies}). Off with springdoc's own switch, {@code springdoc.api-docs.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "springdoc.api-docs.enabled", havingValue = "true", matchIfMissing = true)
public class OpenApiConfiguration {

    @Bean
    OpenApiDocument openApiDocument(
            ObjectFactory<OpenAPIService> openApiService,
            AbstractRequestService requests,
            GenericResponseService responses,
            OperationService operations,
            SpringDocConfigProperties properties,
            SpringDocProviders providers,
            SpringDocCustomizers customizers) {
        describeTypes();
        return new OpenApiDocument(openApiService, requests, responses, operations, properties, providers, customizers);
    }

    /** springdoc's settings are one per JVM: every start sets the same ones. */
    private static void describeTypes() {
        SpringDocUtils.getConfig()
                // resolved from the exchange, never sent by a client as such
                .addRequestWrapperToIgnore(Caller.class, AdminActor.class)
                // Jackson 3's trees, which springdoc does not know (it knows Jackson 2's): any JSON value, any object,
                // any array
                .replaceWithClass(JsonNode.class, Object.class)
                .replaceWithSchema(ObjectNode.class, new ObjectSchema())
                .replaceWithClass(ArrayNode.class, Object[].class)
                .replaceWithSchema(StringOrList.class, stringOrList())
                .replaceWithSchema(
                        ToolChoice.class,
                        new ComposedSchema()
                                .oneOf(List.of(
                                        new StringSchema()._enum(List.of("none", "auto", "required")),
                                        new ObjectSchema()
                                                .description(
                                                        "{\"type\": \"function\", \"function\": {\"name\": ...}}")))
                                .description("A mode, or an object naming the function to call."))
                // the bodies the gateway reads with readers of its own
                .replaceWithClass(EmbeddingsController.EmbeddingsBody.class, WireBodies.CreateEmbeddingRequest.class)
                .replaceWithClass(UserAdminStore.UserPatch.class, WireBodies.UserPatch.class)
                .replaceWithClass(ProjectAdminStore.ProjectPatch.class, WireBodies.ProjectPatch.class)
                .replaceWithClass(LimitsAdminStore.LimitsBody.class, Limits.class)
                .replaceWithClass(VectorStoreRequests.Create.class, WireBodies.CreateVectorStoreRequest.class)
                .replaceWithClass(VectorStoreRequests.Update.class, WireBodies.UpdateVectorStoreRequest.class)
                .replaceWithClass(VectorStoreRequests.AttachFile.class, WireBodies.CreateVectorStoreFileRequest.class)
                .replaceWithClass(
                        VectorStoreRequests.UpdateFile.class, WireBodies.UpdateVectorStoreFileAttributesRequest.class)
                .replaceWithClass(VectorStoreRequests.Search.class, WireBodies.VectorStoreSearchRequest.class);
    }

    private static Schema<?> stringOrList() {
        return new ComposedSchema()
                .oneOf(List.of(new StringSchema(), new ArraySchema().items(new StringSchema())))
                .description("A string or a list of strings.");
    }

    @Bean
    OpenApiCustomizer gatewayOpenApiCustomizer() {
        return new OpenApiCustomizations();
    }

    /**
     * The rules of every schema, with names for the types of the modules that know nothing of OpenAPI
     * ({@code gateway-core}, {@code retrieval}) whose simple name another type has too.
     */
    @Bean
    ModelConverter gatewaySchemaRules() {
        return new SchemaRules(Map.of(
                ChatCompletion.Choice.class, "ChatCompletionChoice",
                ChatCompletionChunk.Choice.class, "ChatCompletionChunkChoice",
                RetrievalViews.Deleted.class, "DeletedObject"));
    }
}
