package io.llmgateway.app.admin;

import io.llmgateway.core.error.InvalidRequestException;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** Validation shared by the admin stores; each failure is a 400 naming the field. */
final class Checks {

    private Checks() {}

    static String requiredText(@Nullable String value, String field, int maxLength) {
        if (value == null || value.isBlank()) {
            throw InvalidRequestException.invalidParameter(field, "Missing required parameter: '" + field + "'.");
        }
        optionalText(value, field, maxLength);
        return value;
    }

    static @Nullable String optionalText(@Nullable String value, String field, int maxLength) {
        if (value != null && value.length() > maxLength) {
            throw InvalidRequestException.invalidParameter(
                    field, "'" + field + "' must be at most " + maxLength + " characters.");
        }
        if (value != null && value.isBlank()) {
            throw InvalidRequestException.invalidParameter(
                    field, "'" + field + "' must not be blank; leave it out (or null) for none.");
        }
        if (value != null && value.chars().anyMatch(Character::isISOControl)) {
            throw InvalidRequestException.invalidParameter(
                    field, "'" + field + "' must not contain control characters.");
        }
        return value;
    }

    /** An e-mail address: one {@code @} with something on both sides, no spaces, at most 320 characters. */
    static @Nullable String optionalEmail(@Nullable String value) {
        String email = optionalText(value, "email", 320);
        int at = email == null ? 0 : email.indexOf('@');
        if (email != null
                && (at < 1
                        || at != email.lastIndexOf('@')
                        || at == email.length() - 1
                        || email.chars().anyMatch(Character::isWhitespace))) {
            throw InvalidRequestException.invalidParameter("email", "'email' must be an e-mail address.");
        }
        return email;
    }

    static void object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw InvalidRequestException.malformedJson("The request body must be a JSON object.");
        }
    }

    /** Empty when the project exists or no id is given; a 400 naming {@code field} otherwise. */
    static Mono<Void> projectExists(DatabaseClient db, @Nullable String projectId, String field) {
        if (projectId == null) {
            return Mono.empty();
        }
        return db.sql("SELECT 1 FROM projects WHERE id = :id")
                .bind("id", projectId)
                .map(row -> 1)
                .one()
                .switchIfEmpty(Mono.error(() ->
                        InvalidRequestException.invalidParameter(field, "No project with id '" + projectId + "'.")))
                .then();
    }

    static Parameter nullable(@Nullable String value) {
        return Parameter.fromOrEmpty(value, String.class);
    }
}
