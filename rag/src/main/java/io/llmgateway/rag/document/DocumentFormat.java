package io.llmgateway.rag.document;

import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The file formats the parser reads, with the extensions and media types that name them. */
public enum DocumentFormat {
    TEXT("text/plain"),
    MARKDOWN("text/markdown"),
    HTML("text/html"),
    PDF("application/pdf");

    private final String mediaType;

    DocumentFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    /** The canonical media type, e.g. {@code application/pdf}. */
    public String mediaType() {
        return mediaType;
    }

    /** The format an extension (without the dot, any case) stands for. */
    public static Optional<DocumentFormat> ofExtension(String extension) {
        if (extension == null) {
            return Optional.empty();
        }
        return switch (extension.toLowerCase(Locale.ROOT)) {
            case "txt", "text" -> Optional.of(TEXT);
            case "md", "markdown" -> Optional.of(MARKDOWN);
            case "html", "htm" -> Optional.of(HTML);
            case "pdf" -> Optional.of(PDF);
            default -> Optional.empty();
        };
    }

    /** The format a media type stands for; parameters such as {@code ; charset=utf-8} are ignored. */
    public static Optional<DocumentFormat> ofMediaType(@Nullable String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType)
                .trim()
                .toLowerCase(Locale.ROOT);
        return switch (type) {
            case "text/plain" -> Optional.of(TEXT);
            case "text/markdown", "text/x-markdown" -> Optional.of(MARKDOWN);
            case "text/html", "application/xhtml+xml" -> Optional.of(HTML);
            case "application/pdf" -> Optional.of(PDF);
            default -> Optional.empty();
        };
    }
}
