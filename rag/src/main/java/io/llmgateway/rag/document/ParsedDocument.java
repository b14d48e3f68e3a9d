package io.llmgateway.rag.document;

import java.util.Objects;

/**
 * The plain text of a file. Paragraphs are separated by a blank line, lines inside a paragraph by a single
 * newline; a PDF gives one paragraph group per page, in page order.
 *
 * @param format the format the text was read as
 * @param text the text, never blank
 * @param pages the number of pages of a PDF, 1 for the other formats
 */
public record ParsedDocument(DocumentFormat format, String text, int pages) {

    public ParsedDocument {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(text, "text");
    }
}
