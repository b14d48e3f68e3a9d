package io.llmgateway.retrieval;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids of files ({@code file-...}) and vector stores ({@code vs_...}): the creation time in milliseconds as nine
 * base-36 digits, then fifteen random ones, so that ids sort by creation (lists page by id) and never collide in
 * practice. They are not secrets (access is checked by project), so {@link ThreadLocalRandom} is enough.
 */
public final class RetrievalIds {

    public static final String FILE_PREFIX = "file-";
    public static final String STORE_PREFIX = "vs_";
    private static final char[] DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    private RetrievalIds() {}

    public static String newFileId() {
        return next(FILE_PREFIX);
    }

    public static String newStoreId() {
        return next(STORE_PREFIX);
    }

    private static String next(String prefix) {
        StringBuilder id = new StringBuilder(prefix.length() + 24).append(prefix);
        String time = Long.toString(System.currentTimeMillis(), 36);
        for (int i = time.length(); i < 9; i++) {
            id.append('0');
        }
        id.append(time);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 15; i++) {
            id.append(DIGITS[random.nextInt(DIGITS.length)]);
        }
        return id.toString();
    }
}
