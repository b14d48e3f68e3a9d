package io.llmgateway.core.profile;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The order a model requires of the conversation.
 *
 * @param roles                  roles allowed at all (empty: any)
 * @param systemFirstOnly        a {@code system} message may only be the very first
 * @param contextBeforeFirstUser {@code context} messages may only come before the first {@code user} message
 * @param alternating            after the system and context prefix, roles strictly alternate user, assistant,
 *                               user, ... starting with user
 * @param lastRole               the role the last message must have, or null
 */
public record MessageRules(
        Set<String> roles,
        boolean systemFirstOnly,
        boolean contextBeforeFirstUser,
        boolean alternating,
        @Nullable String lastRole) {

    /** No rules beyond OpenAI's own. */
    public static final MessageRules NONE = new MessageRules(Set.of(), false, false, false, null);

    public MessageRules {
        roles = roles == null ? Set.of() : Set.copyOf(roles);
    }
}
