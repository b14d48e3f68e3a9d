package io.llmgateway.core.protocol;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /v1/chat/completions}: every OpenAI chat parameter and every parameter of the seed
 * contracts, typed. A field the gateway does not know lands in {@code extra} and is forwarded unchanged.
 *
 * @param model the public model id the client asked for; routes the request
 * @param messages the conversation
 * @param stream server-sent events when true
 * @param streamOptions {@code include_usage} for a final usage chunk
 * @param temperature sampling temperature
 * @param topP nucleus sampling mass
 * @param n number of choices
 * @param maxTokens completion token limit (legacy name)
 * @param maxCompletionTokens completion token limit; wins over {@code max_tokens}
 * @param frequencyPenalty -2..2
 * @param presencePenalty -2..2
 * @param logitBias token id to bias -100..100
 * @param logprobs return log-probabilities of output tokens
 * @param topLogprobs 0..20, with {@code logprobs}
 * @param stop stop sequences
 * @param seed sampling seed
 * @param tools tools the model may call
 * @param toolChoice {@code none}, {@code auto}, {@code required} or a named function
 * @param parallelToolCalls allow several tool calls in one turn
 * @param responseFormat text, JSON object or JSON schema output
 * @param user the end user's identifier, as the client gives it
 * @param metadata OpenAI stored-completion metadata
 * @param store OpenAI stored completions
 * @param serviceTier OpenAI service tier
 * @param reasoningEffort reasoning models' effort
 * @param verbosity reasoning models' verbosity
 * @param modalities output modalities
 * @param audio audio output parameters
 * @param prediction predicted output
 * @param webSearchOptions web search tool options
 * @param promptCacheKey prompt cache routing key
 * @param safetyIdentifier end-user identifier for safety systems
 * @param functionCall deprecated form of {@code tool_choice}
 * @param functions deprecated form of {@code tools}
 * @param bad NIM: words the model must avoid, case sensitive
 * @param ignoreEos Octo-style: keep generating past end-of-sequence
 * @param logPrompt Octo-style: store prompt and completion with the usage record
 * @param loglikelihood Octo-style: return prompt log-likelihoods
 * @param minP Octo-style: minimum token probability relative to the most likely
 * @param peft Octo-style: fine-tuned adapter id
 * @param repetitionPenalty Octo-style: repetition penalty, 1 is none
 * @param chatId platform: conversation id recorded for logging
 * @param ragParams platform: retrieval-augmented generation parameters; absent or null is off
 * @param extra fields the gateway does not know, forwarded to the upstream as written
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionRequest(
        @Nullable String model,
        @Nullable List<ChatMessage> messages,
        @Nullable Boolean stream,
        @JsonProperty("stream_options") @Nullable StreamOptions streamOptions,
        @Nullable Double temperature,
        @JsonProperty("top_p") @Nullable Double topP,
        @Nullable Integer n,
        @JsonProperty("max_tokens") @Nullable Integer maxTokens,
        @JsonProperty("max_completion_tokens") @Nullable Integer maxCompletionTokens,
        @JsonProperty("frequency_penalty") @Nullable Double frequencyPenalty,
        @JsonProperty("presence_penalty") @Nullable Double presencePenalty,
        @JsonProperty("logit_bias") @Nullable Map<String, Number> logitBias,
        @Nullable Boolean logprobs,
        @JsonProperty("top_logprobs") @Nullable Integer topLogprobs,
        @Nullable StringOrList stop,
        @Nullable Long seed,
        @Nullable List<Tool> tools,
        @JsonProperty("tool_choice") @Nullable ToolChoice toolChoice,
        @JsonProperty("parallel_tool_calls") @Nullable Boolean parallelToolCalls,
        @JsonProperty("response_format") @Nullable ResponseFormat responseFormat,
        @Nullable String user,
        @Nullable Map<String, String> metadata,
        @Nullable Boolean store,
        @JsonProperty("service_tier") @Nullable String serviceTier,
        @JsonProperty("reasoning_effort") @Nullable String reasoningEffort,
        @Nullable String verbosity,
        @Nullable List<String> modalities,
        @Nullable JsonNode audio,
        @Nullable JsonNode prediction,
        @JsonProperty("web_search_options") @Nullable JsonNode webSearchOptions,
        @JsonProperty("prompt_cache_key") @Nullable String promptCacheKey,
        @JsonProperty("safety_identifier") @Nullable String safetyIdentifier,
        @JsonProperty("function_call") @Nullable JsonNode functionCall,
        @Nullable JsonNode functions,
        @Nullable StringOrList bad,
        @JsonProperty("ignore_eos") @Nullable Boolean ignoreEos,
        @JsonProperty("log_prompt") @Nullable Boolean logPrompt,
        @Nullable Boolean loglikelihood,
        @JsonProperty("min_p") @Nullable Double minP,
        @Nullable String peft,
        @JsonProperty("repetition_penalty") @Nullable Double repetitionPenalty,
        @JsonProperty("chat_id") @Nullable String chatId,
        @JsonProperty("rag_params") @Nullable JsonNode ragParams,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public ChatCompletionRequest {
        messages = Unmodifiable.list(messages);
        logitBias = Unmodifiable.map(logitBias);
        tools = Unmodifiable.list(tools);
        metadata = Unmodifiable.map(metadata);
        modalities = Unmodifiable.list(modalities);
        extra = Unmodifiable.extra(extra);
    }

    /** Whether the client asked for server-sent events. */
    public boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }

    /** Whether the client asked for a final usage chunk on a stream. */
    public boolean wantsStreamUsage() {
        return streamOptions != null && streamOptions.wantsUsage();
    }

    /** A copy addressed to another model name (the upstream's name for the routed model). */
    public ChatCompletionRequest withModel(String model) {
        return new ChatCompletionRequest(
                model,
                messages,
                stream,
                streamOptions,
                temperature,
                topP,
                n,
                maxTokens,
                maxCompletionTokens,
                frequencyPenalty,
                presencePenalty,
                logitBias,
                logprobs,
                topLogprobs,
                stop,
                seed,
                tools,
                toolChoice,
                parallelToolCalls,
                responseFormat,
                user,
                metadata,
                store,
                serviceTier,
                reasoningEffort,
                verbosity,
                modalities,
                audio,
                prediction,
                webSearchOptions,
                promptCacheKey,
                safetyIdentifier,
                functionCall,
                functions,
                bad,
                ignoreEos,
                logPrompt,
                loglikelihood,
                minP,
                peft,
                repetitionPenalty,
                chatId,
                ragParams,
                extra);
    }

    /** A copy without {@code log_prompt}: the gateway's own business (the usage ledger), never an upstream's. */
    public ChatCompletionRequest withoutLogPrompt() {
        return new ChatCompletionRequest(
                model,
                messages,
                stream,
                streamOptions,
                temperature,
                topP,
                n,
                maxTokens,
                maxCompletionTokens,
                frequencyPenalty,
                presencePenalty,
                logitBias,
                logprobs,
                topLogprobs,
                stop,
                seed,
                tools,
                toolChoice,
                parallelToolCalls,
                responseFormat,
                user,
                metadata,
                store,
                serviceTier,
                reasoningEffort,
                verbosity,
                modalities,
                audio,
                prediction,
                webSearchOptions,
                promptCacheKey,
                safetyIdentifier,
                functionCall,
                functions,
                bad,
                ignoreEos,
                null,
                loglikelihood,
                minP,
                peft,
                repetitionPenalty,
                chatId,
                ragParams,
                extra);
    }

    /** A copy with {@code stream} and {@code stream_options} replaced. */
    public ChatCompletionRequest withStreaming(@Nullable Boolean stream, @Nullable StreamOptions streamOptions) {
        return new ChatCompletionRequest(
                model,
                messages,
                stream,
                streamOptions,
                temperature,
                topP,
                n,
                maxTokens,
                maxCompletionTokens,
                frequencyPenalty,
                presencePenalty,
                logitBias,
                logprobs,
                topLogprobs,
                stop,
                seed,
                tools,
                toolChoice,
                parallelToolCalls,
                responseFormat,
                user,
                metadata,
                store,
                serviceTier,
                reasoningEffort,
                verbosity,
                modalities,
                audio,
                prediction,
                webSearchOptions,
                promptCacheKey,
                safetyIdentifier,
                functionCall,
                functions,
                bad,
                ignoreEos,
                logPrompt,
                loglikelihood,
                minP,
                peft,
                repetitionPenalty,
                chatId,
                ragParams,
                extra);
    }

    /** A copy with other messages (e.g. with retrieved passages added). */
    public ChatCompletionRequest withMessages(List<ChatMessage> messages) {
        return new ChatCompletionRequest(
                model,
                messages,
                stream,
                streamOptions,
                temperature,
                topP,
                n,
                maxTokens,
                maxCompletionTokens,
                frequencyPenalty,
                presencePenalty,
                logitBias,
                logprobs,
                topLogprobs,
                stop,
                seed,
                tools,
                toolChoice,
                parallelToolCalls,
                responseFormat,
                user,
                metadata,
                store,
                serviceTier,
                reasoningEffort,
                verbosity,
                modalities,
                audio,
                prediction,
                webSearchOptions,
                promptCacheKey,
                safetyIdentifier,
                functionCall,
                functions,
                bad,
                ignoreEos,
                logPrompt,
                loglikelihood,
                minP,
                peft,
                repetitionPenalty,
                chatId,
                ragParams,
                extra);
    }

    /** A copy without {@code rag_params}: the gateway's own business (retrieval), never an upstream's. */
    public ChatCompletionRequest withoutRagParams() {
        return ragParams == null
                ? this
                : new ChatCompletionRequest(
                        model,
                        messages,
                        stream,
                        streamOptions,
                        temperature,
                        topP,
                        n,
                        maxTokens,
                        maxCompletionTokens,
                        frequencyPenalty,
                        presencePenalty,
                        logitBias,
                        logprobs,
                        topLogprobs,
                        stop,
                        seed,
                        tools,
                        toolChoice,
                        parallelToolCalls,
                        responseFormat,
                        user,
                        metadata,
                        store,
                        serviceTier,
                        reasoningEffort,
                        verbosity,
                        modalities,
                        audio,
                        prediction,
                        webSearchOptions,
                        promptCacheKey,
                        safetyIdentifier,
                        functionCall,
                        functions,
                        bad,
                        ignoreEos,
                        logPrompt,
                        loglikelihood,
                        minP,
                        peft,
                        repetitionPenalty,
                        chatId,
                        null,
                        extra);
    }
}
