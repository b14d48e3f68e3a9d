package io.llmgateway.app.admin;

import io.llmgateway.core.error.InvalidRequestException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** Validation shared by the admin stores; each failure is a 400 naming the field. */
final class Checks {

    private Checks() {
    }

    static String requiredText(String value, String field, int maxLength) {
        if (value == null || value.isBlank()) {
            throw InvalidRequestException.invalidParameter(field, "Missing required parameter: '" + field + "'.");
        }
        return optionalText(value, field, maxLength);
    }

    static String optionalText(String value, String field, int maxLength) {
        if (value != null && value.length() > maxLength) {
            throw InvalidRequestException.invalidParameter(field,
                    "'" + field + "' must be at most " + maxLength + " characters.");
        }
        return value;
    }

    static void object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw InvalidRequestException.malformedJson("The request body must be a JSON object.");
        }
    }

    /** Empty when the project exists or no id is given; a 400 naming {@code field} otherwise. */
    static Mono<Void> projectExists(DatabaseClient db, String projectId, String field) {
        if (projectId == null) {
            return Mono.empty();
        }
        return db.sql("SELECT 1 FROM projects WHERE id = :id").bind("id", projectId).map(row -> 1).one()
                .switchIfEmpty(Mono.error(() -> InvalidRequestException.invalidParameter(field,
                        "No project with id '" + projectId + "'.")))
                .then();
    }

    static Parameter nullable(String value) {
        return Parameter.fromOrEmpty(value, String.class);
    }
}
