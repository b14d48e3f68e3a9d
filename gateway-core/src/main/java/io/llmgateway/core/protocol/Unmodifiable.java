package io.llmgateway.core.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Unmodifiable copies for the collections records hold, so that a record never changes after it is built and nobody
 * who handed it a list or a map can change it later. Unlike {@link List#copyOf} and {@link Map#copyOf}, they keep what
 * the wire needs: the order of fields (forwarded as the client wrote them) and nulls (an unknown field sent as
 * {@code null}, a {@code null} message a later check names).
 */
public final class Unmodifiable {

    private Unmodifiable() {}

    /** A copy in the same order, nulls included; null when {@code list} is null (the field was absent). */
    public static <T> @Nullable List<T> list(@Nullable List<T> list) {
        return list == null ? null : Collections.unmodifiableList(new ArrayList<>(list));
    }

    /** A copy in the same order, null values included; null when {@code map} is null (the field was absent). */
    public static <K, V> @Nullable Map<K, V> map(@Nullable Map<K, V> map) {
        return map == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** The unknown fields a record keeps for pass-through: a copy in their order, empty when there are none. */
    public static <V> Map<String, V> extra(@Nullable Map<String, V> extra) {
        return extra == null || extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }
}
