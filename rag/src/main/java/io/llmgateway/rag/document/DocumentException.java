package io.llmgateway.rag.document;

/**
 * A file that cannot be turned into text. The message is written for the person who uploaded the file and is
 * safe to show as the file's {@code last_error}: it never holds a stack trace, a path or the file's content.
 */
public final class DocumentException extends Exception {

    private static final long serialVersionUID = 1L;

    public DocumentException(String message) {
        super(message, null, false, false);
    }

    public DocumentException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
