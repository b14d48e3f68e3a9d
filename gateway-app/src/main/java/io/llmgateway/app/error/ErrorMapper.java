package io.llmgateway.app.error;

import io.llmgateway.app.persistence.DatabaseFailures;
import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.json.KnownFields;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.converter.HttpMessageNotWritableException;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;

/**
 * The one place where any failure becomes a {@link GatewayException}, and so an OpenAI error body with its
 * status. Messages name the parameter at fault but never echo request content or credentials.
 */
public class ErrorMapper {

    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    private final long maxBodyBytes;

    public ErrorMapper(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The failure of a request whose method and path are not known (e.g. mid-stream). */
    public GatewayException toException(Throwable error) {
        return toException(error, "", "");
    }

    /** The failure of a request to {@code method} {@code path}. */
    public GatewayException toException(Throwable error, String method, String path) {
        if (error instanceof GatewayException gateway) {
            return gateway;
        }
        if (error instanceof JacksonException json) {
            // the typed request read from the body's tree
            return fromJson(json, null);
        }
        if (find(error, DataBufferLimitException.class) != null) {
            return InvalidRequestException.bodyTooLarge(maxBodyBytes);
        }
        if (error instanceof UnsupportedMediaTypeStatusException unsupported) {
            return InvalidRequestException.unsupportedMediaType(
                    unsupported.getContentType() == null
                            ? "none"
                            : unsupported.getContentType().toString());
        }
        if (error instanceof MethodNotAllowedException notAllowed) {
            return InvalidRequestException.methodNotAllowed(notAllowed.getHttpMethod(), path);
        }
        if (error instanceof ServerWebInputException input) {
            return fromInput(input);
        }
        if (find(error, InvalidMediaTypeException.class) != null
                || find(error, InvalidMimeTypeException.class) != null) {
            return InvalidRequestException.httpStatus(
                    400, "A Content-Type in the request is not a valid media type.", "invalid_content_type");
        }
        if (error instanceof HttpMessageNotWritableException || error instanceof NotAcceptableStatusException) {
            // what the Accept header asks for (a charset, a type) has no encoder here
            return InvalidRequestException.httpStatus(
                    406,
                    "The gateway answers " + method + " " + path + " in"
                            + " application/json (UTF-8); send Accept: application/json or leave it out.",
                    "not_acceptable");
        }
        if (error instanceof DecodingException decoding) {
            // a body that is not what its Content-Type says, e.g. multipart without its boundary
            return InvalidRequestException.httpStatus(
                    400, "The request body could not be read: " + decoding.getMessage(), "invalid_body");
        }
        if (DatabaseFailures.unavailable(error)) {
            log.warn("The database is unavailable: {}", error.toString());
            return DatabaseFailures.unavailableError();
        }
        if (error instanceof DuplicateKeyException) {
            return InvalidRequestException.conflict("The resource exists already.", null);
        }
        if (error instanceof DataIntegrityViolationException) {
            return InvalidRequestException.invalidParameter(
                    null, "The change conflicts with the stored data (a referenced resource is missing or in use).");
        }
        if (error instanceof ResponseStatusException status) {
            return fromStatus(status.getStatusCode(), status.getReason(), method, path);
        }
        if (error instanceof CancellationException) {
            // the client went away mid-stream: nothing failed on our side, and nobody is left to tell
            log.debug("Stream cancelled by the client: {}", error.toString());
            return GatewayException.internal("The request was cancelled.", error);
        }
        log.error("Unexpected failure: {}", error.toString(), error);
        return GatewayException.internal("The gateway failed to process the request.", error);
    }

    private GatewayException fromInput(ServerWebInputException input) {
        return fromJson(input, input.getReason());
    }

    /** A body that is not JSON, or not the JSON its record expects; {@code reason} is the input's, if any. */
    private GatewayException fromJson(Throwable error, @Nullable String reason) {
        DatabindException binding = find(error, DatabindException.class);
        if (binding != null) {
            return fromBinding(binding);
        }
        StreamReadException syntax = find(error, StreamReadException.class);
        if (syntax != null) {
            return InvalidRequestException.malformedJson("We could not parse the JSON body of your request: "
                    + syntax.getOriginalMessage() + location(syntax) + ".");
        }
        if (find(error, JacksonException.class) != null || "No request body".equals(reason)) {
            return InvalidRequestException.malformedJson(
                    "We could not parse the JSON body of your request: send a JSON object.");
        }
        return InvalidRequestException.invalidParameter(null, reason == null ? "The request is invalid." : reason);
    }

    private static GatewayException fromBinding(DatabindException binding) {
        String param = path(binding.getPath());
        if (binding instanceof UnrecognizedPropertyException) {
            return KnownFields.unrecognized(param);
        }
        if (param.isEmpty()) {
            return InvalidRequestException.malformedJson("The request body must be a JSON object.");
        }
        String expectation;
        if (binding instanceof ValueInstantiationException
                && binding.getCause() != null
                && binding.getCause().getMessage() != null) {
            expectation = binding.getCause().getMessage();
        } else if (binding instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            expectation = "expected " + describe(mismatch.getTargetType());
        } else {
            expectation = "the value is not valid";
        }
        return InvalidRequestException.invalidParameter(
                param, "Invalid type for '" + param + "': " + expectation + ".");
    }

    private static GatewayException fromStatus(
            HttpStatusCode status, @Nullable String reason, String method, String path) {
        if (status.value() == 404) {
            return InvalidRequestException.unknownPath(method, path);
        }
        if (status.is5xxServerError()) {
            return GatewayException.internal("The gateway failed to process the request.", null);
        }
        if (status.value() == 415) {
            return InvalidRequestException.httpStatus(
                    415,
                    "Unsupported Content-Type for " + method + " " + path
                            + ": send application/json (multipart/form-data to upload a file).",
                    "unsupported_media_type");
        }
        return InvalidRequestException.httpStatus(status.value(), reason);
    }

    private static String path(List<JacksonException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : references) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String describe(Class<?> type) {
        if (type == Double.class
                || type == Float.class
                || type == double.class
                || type == float.class
                || type == BigDecimal.class
                || type == Number.class) {
            return "a number";
        }
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "a different type";
    }

    private static String location(StreamReadException e) {
        // a value read from a tree has no place in the text
        if (e.getLocation() == null || e.getLocation().getLineNr() < 1) {
            return "";
        }
        return " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }

    private static <T extends Throwable> @Nullable T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
