package io.llmgateway.core.protocol;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
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
        String model,
        List<ChatMessage> messages,
        Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions,
        Double temperature,
        @JsonProperty("top_p") Double topP,
        Integer n,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
        @JsonProperty("frequency_penalty") Double frequencyPenalty,
        @JsonProperty("presence_penalty") Double presencePenalty,
        @JsonProperty("logit_bias") Map<String, Number> logitBias,
        Boolean logprobs,
        @JsonProperty("top_logprobs") Integer topLogprobs,
        StringOrList stop,
        Long seed,
        List<Tool> tools,
        @JsonProperty("tool_choice") ToolChoice toolChoice,
        @JsonProperty("parallel_tool_calls") Boolean parallelToolCalls,
        @JsonProperty("response_format") ResponseFormat responseFormat,
        String user,
        Map<String, String> metadata,
        Boolean store,
        @JsonProperty("service_tier") String serviceTier,
        @JsonProperty("reasoning_effort") String reasoningEffort,
        String verbosity,
        List<String> modalities,
        JsonNode audio,
        JsonNode prediction,
        @JsonProperty("web_search_options") JsonNode webSearchOptions,
        @JsonProperty("prompt_cache_key") String promptCacheKey,
        @JsonProperty("safety_identifier") String safetyIdentifier,
        @JsonProperty("function_call") JsonNode functionCall,
        JsonNode functions,
        StringOrList bad,
        @JsonProperty("ignore_eos") Boolean ignoreEos,
        @JsonProperty("log_prompt") Boolean logPrompt,
        Boolean loglikelihood,
        @JsonProperty("min_p") Double minP,
        String peft,
        @JsonProperty("repetition_penalty") Double repetitionPenalty,
        @JsonProperty("chat_id") String chatId,
        @JsonProperty("rag_params") JsonNode ragParams,
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
    public ChatCompletionRequest withStreaming(Boolean stream, StreamOptions streamOptions) {
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
