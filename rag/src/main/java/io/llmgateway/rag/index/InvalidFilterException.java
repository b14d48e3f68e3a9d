package io.llmgateway.rag.index;

/** A filter that is not valid JSON for a filter; {@link #path()} names the offending field. */
public final class InvalidFilterException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String path;

    public InvalidFilterException(String path, String message) {
        super(path + ": " + message);
        this.path = path;
    }

    /** The JSON path of the offending field, e.g. {@code filters.filters[1].type}. */
    public String path() {
        return path;
    }
}
