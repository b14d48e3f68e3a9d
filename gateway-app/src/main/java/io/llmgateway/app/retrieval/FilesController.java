package io.llmgateway.app.retrieval;

import io.llmgateway.auth.Caller;
import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.ListPage;
import io.llmgateway.retrieval.FileStore;
import io.llmgateway.retrieval.ListParams;
import io.llmgateway.retrieval.RetrievalViews.Deleted;
import io.llmgateway.retrieval.RetrievalViews.FileView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.SchemaProperty;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * OpenAI's Files API for retrieval, scoped to the caller's project: {@code POST /v1/files} (multipart {@code file}
 * and {@code purpose=assistants}), {@code GET /v1/files}, {@code GET /v1/files/{id}},
 * {@code GET /v1/files/{id}/content}, {@code DELETE /v1/files/{id}}.
 * An upload larger than {@code gateway.retrieval.max-file-size} is a 413.
 */
@Tag(name = "Files")
@RestController
@ConditionalOnRetrieval
public class FilesController {

    static final String PURPOSE = "assistants";
    private static final int MAX_FILENAME_LENGTH = 512;

    private final FileStore files;
    private final long maxFileBytes;

    FilesController(FileStore files, RetrievalProperties properties) {
        this.files = files;
        this.maxFileBytes = properties.maxFileSize().toBytes();
    }

    @Operation(
            operationId = "createFile",
            summary = "Upload a file",
            description = "For vector stores: `purpose` must be `assistants`. An upload larger than"
                    + " `gateway.retrieval.max-file-size` is a 413.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = MediaType.MULTIPART_FORM_DATA_VALUE,
                                            schemaProperties = {
                                                @SchemaProperty(
                                                        name = "file",
                                                        schema =
                                                                @Schema(
                                                                        type = "string",
                                                                        format = "binary",
                                                                        requiredMode = Schema.RequiredMode.REQUIRED)),
                                                @SchemaProperty(
                                                        name = "purpose",
                                                        schema =
                                                                @Schema(
                                                                        type = "string",
                                                                        allowableValues = PURPOSE,
                                                                        requiredMode = Schema.RequiredMode.REQUIRED))
                                            })))
    @PostMapping("/v1/files")
    public Mono<FileView> upload(Caller caller, ServerWebExchange exchange) {
        MediaType type = exchange.getRequest().getHeaders().getContentType();
        if (type == null || !MediaType.MULTIPART_FORM_DATA.isCompatibleWith(type)) {
            return Mono.error(InvalidRequestException.httpStatus(
                    415,
                    "Unsupported Content-Type: send" + " multipart/form-data with the fields 'file' and 'purpose'.",
                    "unsupported_media_type"));
        }
        return exchange.getMultipartData()
                .onErrorMap(FilesController::malformed, FilesController::malformedBody)
                .flatMap(parts -> upload(caller, parts));
    }

    /** What Spring's multipart reader fails with on a body that is not well-formed multipart. */
    private static boolean malformed(Throwable error) {
        return !(error instanceof GatewayException)
                && !(error instanceof DataBufferLimitException)
                && (error instanceof DecodingException
                        || error instanceof IllegalArgumentException
                        || error instanceof IllegalStateException);
    }

    private static InvalidRequestException malformedBody(Throwable error) {
        String reason = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        reason = reason.length() > 200 ? reason.substring(0, 200) : reason;
        return InvalidRequestException.httpStatus(
                400,
                "The multipart body is malformed (" + reason.replaceAll("[^\\x20-\\x7e]", "?")
                        + "); send the fields 'file' and 'purpose'.",
                "invalid_body");
    }

    private Mono<FileView> upload(Caller caller, MultiValueMap<String, Part> parts) {
        Part purposePart = parts.getFirst("purpose");
        if (!(purposePart instanceof FormFieldPart purposeField)
                || purposeField.value().isBlank()) {
            return Mono.error(
                    InvalidRequestException.invalidParameter("purpose", "Missing required parameter: 'purpose'."));
        }
        String purpose = purposeField.value().strip();
        if (!PURPOSE.equals(purpose)) {
            return Mono.error(InvalidRequestException.invalidParameter(
                    "purpose",
                    "'purpose' must be '" + PURPOSE + "': the gateway stores files for its vector stores only."));
        }
        if (!(parts.getFirst("file") instanceof FilePart file)) {
            return Mono.error(InvalidRequestException.invalidParameter(
                    "file", "Missing required parameter: 'file' (a file part of the multipart body)."));
        }
        String filename = file.filename();
        if (filename == null || filename.isBlank() || filename.length() > MAX_FILENAME_LENGTH) {
            return Mono.error(InvalidRequestException.invalidParameter(
                    "file", "The file part needs a file name of 1 to " + MAX_FILENAME_LENGTH + " characters."));
        }
        if (!printableName(filename)) {
            return Mono.error(InvalidRequestException.invalidParameter(
                    "file",
                    "The file name must not contain"
                            + " control characters, unpaired surrogates or characters that could not be decoded."));
        }
        MediaType contentType = file.headers().getContentType();
        return DataBufferUtils.join(file.content(), (int) Math.min(Integer.MAX_VALUE, maxFileBytes))
                .map(buffer -> {
                    try {
                        byte[] bytes = new byte[buffer.readableByteCount()];
                        buffer.read(bytes);
                        return bytes;
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .onErrorMap(
                        DataBufferLimitException.class, tooLarge -> InvalidRequestException.bodyTooLarge(maxFileBytes))
                .switchIfEmpty(Mono.fromSupplier(() -> new byte[0]))
                .flatMap(bytes -> bytes.length == 0
                        ? Mono.error(InvalidRequestException.invalidParameter("file", "The file is empty."))
                        : files.create(
                                caller.projectId(),
                                filename,
                                purpose,
                                contentType == null ? null : contentType.toString(),
                                bytes));
    }

    /** A file name without control characters (NUL, CR, LF...), lone surrogates or undecodable bytes (U+FFFD). */
    static boolean printableName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isISOControl(c) || Character.isSurrogate(c) || c == '\uFFFD') {
                return false;
            }
        }
        return true;
    }

    @Operation(operationId = "listFiles", summary = "List files", description = "The project's files.")
    @GetMapping("/v1/files")
    public Mono<ListPage<FileView>> list(
            Caller caller,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String order,
            @RequestParam(required = false) String after,
            @RequestParam(required = false) String before,
            @Parameter(description = "Only the files of this purpose.") @RequestParam(required = false)
                    String purpose) {
        return files.list(
                caller.projectId(),
                purpose == null || purpose.isBlank() ? null : purpose,
                ListParams.of(limit, order, after, before, 10_000, 10_000));
    }

    @Operation(operationId = "retrieveFile", summary = "Retrieve a file")
    @GetMapping("/v1/files/{fileId}")
    public Mono<FileView> get(Caller caller, @PathVariable String fileId) {
        return files.get(caller.projectId(), fileId);
    }

    /**
     * The file's bytes as uploaded. Always {@code application/octet-stream}: the declared type came from the client,
     * and serving it back as, say, {@code text/html} would let a file act as a web page.
     */
    @Operation(
            operationId = "downloadFile",
            summary = "Download a file's content",
            responses =
                    @ApiResponse(
                            responseCode = "200",
                            description = "The file's bytes as uploaded, as an attachment.",
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
                                            schema = @Schema(type = "string", format = "binary"))))
    @GetMapping("/v1/files/{fileId}/content")
    public Mono<ResponseEntity<byte[]>> content(Caller caller, @PathVariable String fileId) {
        return files.content(caller.projectId(), fileId)
                .map(content -> ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_OCTET_STREAM)
                        .header("X-Content-Type-Options", "nosniff")
                        .header(
                                HttpHeaders.CONTENT_DISPOSITION,
                                ContentDisposition.attachment()
                                        .filename(content.filename(), StandardCharsets.UTF_8)
                                        .build()
                                        .toString())
                        .body(content.bytes()));
    }

    @Operation(operationId = "deleteFile", summary = "Delete a file")
    @DeleteMapping("/v1/files/{fileId}")
    public Mono<Deleted> delete(Caller caller, @PathVariable String fileId) {
        return files.delete(caller.projectId(), fileId);
    }
}
