package io.llmgateway.app.profile;

import io.llmgateway.core.profile.ParamType;
import io.llmgateway.core.profile.ParameterProfile;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

/**
 * A parameter profile, as configured under {@code gateway.profiles.<name>}: which parameters a model accepts, their
 * ranges and defaults, and its conversation rules. The four seed profiles and {@code openai} ship in
 * {@code gateway-profiles.yml}; operators add or override profiles in their own configuration, no code needed.
 *
 * @param unsupported              {@code reject} (400, the default), {@code drop} or {@code pass} (forward
 *                                 unchecked) a known parameter not listed below
 * @param drop                     parameters always dropped
 * @param reject                   parameters always refused
 * @param maxCompletionTokensWins  {@code max_completion_tokens} replaces {@code max_tokens} when both are set
 * @param messages                 conversation rules
 * @param parameters               accepted parameters by wire name
 */
public record ProfileSettings(
        @DefaultValue("reject") ParameterProfile.UnsupportedPolicy unsupported,
        @DefaultValue List<String> drop,
        @DefaultValue List<String> reject,
        @DefaultValue("false") boolean maxCompletionTokensWins,
        @DefaultValue Messages messages,
        @DefaultValue Map<String, Parameter> parameters) {

    /**
     * Conversation rules.
     *
     * @param roles                  allowed roles; empty allows any
     * @param systemFirstOnly        a system message may only come first
     * @param contextBeforeFirstUser context messages only before the first user message
     * @param alternating            user and assistant strictly alternate after the system/context prefix
     * @param lastRole               the role of the last message
     */
    public record Messages(
            @DefaultValue Set<String> roles,
            @DefaultValue("false") boolean systemFirstOnly,
            @DefaultValue("false") boolean contextBeforeFirstUser,
            @DefaultValue("false") boolean alternating,
            String lastRole) {}

    /**
     * One accepted parameter.
     *
     * @param type      {@code number}, {@code integer}, {@code boolean}, {@code string}, {@code string-or-list},
     *                  {@code object}, {@code array}, {@code number-map}, {@code rag-params}
     *                  or {@code any} (the default)
     * @param min       smallest number
     * @param max       largest number
     * @param defaultValue the default, as JSON ({@code 0.2}, {@code true}, {@code "text"})
     * @param maxItems  most list elements
     * @param valueMin  smallest value of each map entry
     * @param valueMax  largest value of each map entry
     * @param requires  a boolean parameter that must be true when this one is set
     */
    public record Parameter(
            @DefaultValue("any") ParamType type,
            Double min,
            Double max,

            @Name("default") String defaultValue,

            Integer maxItems,
            Double valueMin,
            Double valueMax,
            String requires) {}
}
