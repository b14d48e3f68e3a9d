package io.llmgateway.app.profile;

import io.llmgateway.core.profile.MessageRules;
import io.llmgateway.core.profile.ParameterProfile;
import io.llmgateway.core.profile.ParameterRule;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/** The configured profiles, converted once at start-up (their binding checks them). */
public class ProfileRegistry {

    private final Map<String, ParameterProfile> profiles = new LinkedHashMap<>();

    public ProfileRegistry(Map<String, ProfileSettings> configured, JsonMapper json) {
        configured.forEach((name, profile) -> profiles.put(name, convert(name, profile, json)));
    }

    /** The profile of this name; the binding of {@code gateway} has checked that each model's exists. */
    public ParameterProfile get(String name) {
        ParameterProfile profile = profiles.get(name);
        if (profile == null) {
            throw new IllegalStateException(
                    "no profile '" + name + "' under gateway.profiles; known: " + profiles.keySet());
        }
        return profile;
    }

    private static ParameterProfile convert(String name, ProfileSettings profile, JsonMapper json) {
        Map<String, ParameterRule> rules = new LinkedHashMap<>();
        profile.parameters()
                .forEach((parameter, rule) -> rules.put(
                        parameter,
                        new ParameterRule(
                                rule.type(),
                                rule.min(),
                                rule.max(),
                                json(rule.defaultValue(), json),
                                rule.maxItems(),
                                rule.valueMin(),
                                rule.valueMax(),
                                rule.requires())));
        ProfileSettings.Messages messages = profile.messages();
        return new ParameterProfile(
                name,
                rules,
                profile.unsupported(),
                profile.drop(),
                profile.reject(),
                new MessageRules(
                        messages.roles(),
                        messages.systemFirstOnly(),
                        messages.contextBeforeFirstUser(),
                        messages.alternating(),
                        messages.lastRole()),
                profile.maxCompletionTokensWins());
    }

    /** A default as JSON; text that is not JSON is taken as a string. */
    public static @Nullable JsonNode json(String value, JsonMapper json) {
        if (value == null) {
            return null;
        }
        try {
            return json.readTree(value);
        } catch (JacksonException notJson) {
            return StringNode.valueOf(value);
        }
    }
}
