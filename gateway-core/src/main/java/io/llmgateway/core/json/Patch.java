package io.llmgateway.core.json;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One field of a partial update (a PATCH body), as the client sent it: absent (leave the stored value as it is),
 * {@code null} (clear it) or a value. Java's {@code null} cannot tell the first two apart, and {@code Optional}
 * holds no null; this can.
 *
 * @param present whether the body has the field, {@code null} or not
 * @param value   the field's value, null when absent or sent as {@code null}
 * @param <T>     the type of the value
 */
public record Patch<T>(boolean present, @Nullable T value) {

    private static final Patch<?> ABSENT = new Patch<>(false, null);

    public Patch {
        if (!present && value != null) {
            throw new IllegalArgumentException("an absent field has no value");
        }
    }

    /** The field is not in the body: the stored value stays. */
    @SuppressWarnings("unchecked")
    public static <T> Patch<T> absent() {
        return (Patch<T>) ABSENT;
    }

    /** The field is in the body with {@code value}; a null {@code value} is the client's explicit {@code null}. */
    public static <T> Patch<T> of(@Nullable T value) {
        return new Patch<>(true, value);
    }

    /** Whether the client sent the field as {@code null}. */
    public boolean isNull() {
        return present && value == null;
    }

    /** The same field with its value converted (or checked); absent and {@code null} stay as they are. */
    public <R> Patch<R> map(Function<? super T, ? extends R> conversion) {
        if (value == null) {
            return present ? of(null) : absent();
        }
        return of(conversion.apply(value));
    }

    /** The value when the field is present (perhaps null), else {@code unchanged}. */
    public @Nullable T orElse(@Nullable T unchanged) {
        return present ? value : unchanged;
    }
}
