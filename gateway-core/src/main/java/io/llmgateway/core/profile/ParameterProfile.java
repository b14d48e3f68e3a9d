package io.llmgateway.core.profile;

import java.util.List;
import java.util.Map;

/**
 * A model family's parameter contract, declared in configuration: the parameters it accepts with their types,
 * ranges and defaults, its message rules, and what happens to a known parameter it does not accept.
 *
 * @param name                       the profile's name, e.g. {@code nim-phi}
 * @param parameters                 accepted parameters by wire name
 * @param unsupported                what happens to a known parameter not in {@code parameters}
 * @param drop                       parameters dropped whatever {@code unsupported} says
 * @param reject                     parameters refused whatever {@code unsupported} says
 * @param messages                   the conversation's rules
 * @param maxCompletionTokensWins    {@code max_completion_tokens} replaces {@code max_tokens} when both are set
 */
public record ParameterProfile(
        String name,
        Map<String, ParameterRule> parameters,
        UnsupportedPolicy unsupported,
        List<String> drop,
        List<String> reject,
        MessageRules messages,
        boolean maxCompletionTokensWins) {

    public ParameterProfile {
        parameters = Map.copyOf(parameters);
        unsupported = unsupported == null ? UnsupportedPolicy.REJECT : unsupported;
        drop = drop == null ? List.of() : List.copyOf(drop);
        reject = reject == null ? List.of() : List.copyOf(reject);
        messages = messages == null ? MessageRules.NONE : messages;
    }

    /** What to do with a known parameter this profile does not list. */
    public UnsupportedPolicy policyFor(String parameter) {
        if (reject.contains(parameter)) {
            return UnsupportedPolicy.REJECT;
        }
        if (drop.contains(parameter)) {
            return UnsupportedPolicy.DROP;
        }
        return unsupported;
    }

    /** What to do with a parameter a model does not support. */
    public enum UnsupportedPolicy {
        /** 400 naming the parameter. */
        REJECT,
        /** Removed before the upstream call and named in {@code x-gateway-dropped-params}. */
        DROP,
        /** Forwarded unchecked: the profile does not know this model's contract for it. */
        PASS
    }
}
