package io.llmgateway.core.answer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Changes the few places of a {@link ScannedAnswer} that the gateway owns and copies every other byte as the upstream
 * sent it: the model id (the public id the client asked for), a {@code cost} added to the upstream's {@code usage},
 * a {@code usage} added where the upstream sent none, and top-level fields of the gateway's own (the sources of
 * retrieval). The result can be framed at once (an SSE event's {@code data: } and blank line), so that an event
 * is one array, copied once.
 */
public final class AnswerEditor {

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] COMMA = {','};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private final ScannedAnswer answer;
    private byte @Nullable [] model;
    private byte @Nullable [] cost;
    private byte @Nullable [] usage;
    private byte @Nullable [] fields;
    private boolean withoutUsage;

    private AnswerEditor(ScannedAnswer answer) {
        this.answer = answer;
    }

    public static AnswerEditor of(ScannedAnswer answer) {
        return new AnswerEditor(answer);
    }

    /** The model id to name, as a JSON string (quotes included, escaped): see {@link #jsonString}. */
    public AnswerEditor model(byte[] jsonString) {
        this.model = jsonString;
        return this;
    }

    /** A {@code cost} member for the upstream's {@code usage} object, as JSON (a number); ignored without one. */
    public AnswerEditor costInUsage(byte @Nullable [] jsonNumber) {
        this.cost = jsonNumber;
        return this;
    }

    /** The upstream's {@code usage} as {@code null}, in its place (a usage the client did not ask for). */
    public AnswerEditor withoutUsage() {
        this.withoutUsage = true;
        return this;
    }

    /** A whole {@code usage} object, as JSON, for an answer whose {@code usage} is absent or null. */
    public AnswerEditor usageIfMissing(byte @Nullable [] jsonObject) {
        this.usage = jsonObject;
        return this;
    }

    /** Top-level members to add at the end, as JSON without braces or a leading comma: {@code "rag":{...}}. */
    public AnswerEditor addFields(byte @Nullable [] members) {
        this.fields = members;
        return this;
    }

    /** The edited answer. */
    public byte[] toBytes() {
        return toBytes(EMPTY, EMPTY);
    }

    /** The edited answer between {@code prefix} and {@code suffix}, in one array. */
    public byte[] toBytes(byte[] prefix, byte[] suffix) {
        byte[] json = answer.json();
        Edit[] edits = new Edit[4];
        int count = 0;
        if (model != null) {
            edits[count++] = answer.modelStart() >= 0
                    ? new Edit(answer.modelStart(), answer.modelEnd(), model, null)
                    : new Edit(answer.objectStart() + 1, answer.objectStart() + 1, member("model", model), COMMA);
        }
        if (answer.hasUsage()) {
            if (withoutUsage) {
                edits[count++] = new Edit(answer.usageStart(), answer.usageEnd(), NULL, null);
            } else if (cost != null) {
                int brace = answer.usageEnd() - 1;
                edits[count++] = new Edit(brace, brace, member("cost", cost), null, answer.usageHasFields());
            }
        } else if (usage != null) {
            edits[count++] = answer.usageStart() >= 0
                    ? new Edit(answer.usageStart(), answer.usageEnd(), usage, null)
                    : new Edit(answer.objectEnd(), answer.objectEnd(), member("usage", usage), null, true);
        }
        if (fields != null) {
            edits[count++] = new Edit(answer.objectEnd(), answer.objectEnd(), fields, null, true);
        }
        Arrays.sort(edits, 0, count, (a, b) -> Integer.compare(a.from, b.from));
        int length = prefix.length + json.length + suffix.length;
        for (int i = 0; i < count; i++) {
            length += edits[i].length() - (edits[i].to - edits[i].from);
        }
        byte[] out = new byte[length];
        int at = 0;
        System.arraycopy(prefix, 0, out, at, prefix.length);
        at += prefix.length;
        int copied = 0;
        for (int i = 0; i < count; i++) {
            Edit edit = edits[i];
            System.arraycopy(json, copied, out, at, edit.from - copied);
            at += edit.from - copied;
            at = edit.write(out, at);
            copied = edit.to;
        }
        System.arraycopy(json, copied, out, at, json.length - copied);
        at += json.length - copied;
        System.arraycopy(suffix, 0, out, at, suffix.length);
        return out;
    }

    /** A Java string as a JSON string literal, quotes included. */
    public static byte[] jsonString(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] member(String name, byte[] value) {
        byte[] key = ("\"" + name + "\":").getBytes(StandardCharsets.US_ASCII);
        byte[] member = Arrays.copyOf(key, key.length + value.length);
        System.arraycopy(value, 0, member, key.length, value.length);
        return member;
    }

    /** Bytes {@code from..to} replaced by {@code bytes}, with a comma before (a member after others) or after. */
    private record Edit(int from, int to, byte[] bytes, byte @Nullable [] after, boolean commaBefore) {

        Edit(int from, int to, byte[] bytes, byte @Nullable [] after) {
            this(from, to, bytes, after, false);
        }

        int length() {
            return bytes.length + (after == null ? 0 : after.length) + (commaBefore ? 1 : 0);
        }

        int write(byte[] out, int at) {
            if (commaBefore) {
                out[at++] = ',';
            }
            System.arraycopy(bytes, 0, out, at, bytes.length);
            at += bytes.length;
            if (after != null) {
                System.arraycopy(after, 0, out, at, after.length);
                at += after.length;
            }
            return at;
        }
    }
}
