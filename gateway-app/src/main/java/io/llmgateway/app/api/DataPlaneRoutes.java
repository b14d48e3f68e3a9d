package io.llmgateway.app.api;

import io.llmgateway.core.protocol.ChatCompletion;
import io.llmgateway.core.protocol.ChatCompletionChunk;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springdoc.core.annotations.RouterOperation;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The data-plane endpoints served as functional endpoints (the others are annotated controllers). WebFlux asks these
 * routes before the annotated mappings. Their OpenAPI description is the {@link RouterOperation} on each route (the
 * route's predicate says nothing of bodies).
 */
@Configuration(proxyBeanMethods = false)
class DataPlaneRoutes {

    @Bean
    @RouterOperation(
            path = "/v1/chat/completions",
            method = RequestMethod.POST,
            beanClass = ChatCompletionsHandler.class,
            beanMethod = "chatCompletions",
            operation =
                    @Operation(
                            operationId = "createChatCompletion",
                            summary = "Create a chat completion",
                            description = "Routes `model` to its deployment. Fields the gateway does not own are"
                                    + " passed on unchanged, in the client's order. With `stream: true` the answer is"
                                    + " `text/event-stream`: one `data:` event per `chat.completion.chunk`, flushed as"
                                    + " it arrives, then `data: [DONE]`; `stream_options.include_usage` adds a last"
                                    + " chunk with empty `choices` and the `usage`. A failure after the first event is"
                                    + " an error event that ends the stream without `[DONE]`.",
                            tags = "Chat",
                            requestBody =
                                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                                            required = true,
                                            content =
                                                    @Content(
                                                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                                                            schema =
                                                                    @Schema(
                                                                            implementation =
                                                                                    ChatCompletionRequest.class))),
                            responses =
                                    @ApiResponse(
                                            responseCode = "200",
                                            description = "A `chat.completion`, or with `stream: true` its chunks as"
                                                    + " server-sent events. `usage` carries the gateway's `cost` in"
                                                    + " US dollars.",
                                            headers = {
                                                @Header(
                                                        name = "x-request-id",
                                                        description = "The id of the request's usage record.",
                                                        schema = @Schema(type = "string")),
                                                @Header(
                                                        name = "x-gateway-overhead-ms",
                                                        description = "The time the gateway itself added.",
                                                        schema = @Schema(type = "number"))
                                            },
                                            content = {
                                                @Content(
                                                        mediaType = MediaType.APPLICATION_JSON_VALUE,
                                                        schema = @Schema(implementation = ChatCompletion.class)),
                                                @Content(
                                                        mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                                                        schema = @Schema(implementation = ChatCompletionChunk.class))
                                            })))
    RouterFunction<ServerResponse> chatCompletionsRoute(ChatCompletionsHandler chat) {
        return RouterFunctions.route(RequestPredicates.path("/v1/chat/completions"), chat::chatCompletions);
    }
}
