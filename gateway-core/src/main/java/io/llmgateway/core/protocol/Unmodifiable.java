package io.llmgateway.core.protocol;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Unmodifiable copies for the collections records hold, so that a record never changes after it is built and nobody
 * who handed it a list or a map can change it later. Unlike {@link List#copyOf} and {@link Map#copyOf}, they keep what
 * the wire needs: the order of fields (forwarded as the client wrote them) and nulls (an unknown field sent as
 * {@code null}, a {@code null} message a later check names).
 *
 * <p>A copy is copied only once: the {@code with...} methods of a request, called several times per request, hand
 * the next record what the last one holds, and it is taken as it is.
 */
public final class Unmodifiable {

    private Unmodifiable() {}

    /** A copy in the same order, nulls included; null when {@code list} is null (the field was absent). */
    public static <T> @Nullable List<T> list(@Nullable List<T> list) {
        if (list == null || list instanceof FrozenList) {
            return list;
        }
        return new FrozenList<>(list);
    }

    /** A copy in the same order, null values included; null when {@code map} is null (the field was absent). */
    public static <K, V> @Nullable Map<K, V> map(@Nullable Map<K, V> map) {
        if (map == null || map instanceof FrozenMap) {
            return map;
        }
        return new FrozenMap<>(map);
    }

    /** The unknown fields a record keeps for pass-through: a copy in their order, empty when there are none. */
    public static <V> Map<String, V> extra(@Nullable Map<String, V> extra) {
        if (extra == null || extra.isEmpty()) {
            return Map.of();
        }
        return extra instanceof FrozenMap ? extra : new FrozenMap<>(extra);
    }

    /** A list nobody can change, over its own array. */
    private static final class FrozenList<T> extends AbstractList<T> implements RandomAccess {

        private final Object[] items;

        FrozenList(List<T> list) {
            this.items = list.toArray();
        }

        @Override
        @SuppressWarnings("unchecked")
        public T get(int index) {
            return (T) items[index];
        }

        @Override
        public int size() {
            return items.length;
        }
    }

    /** A map nobody can change, over its own copy, in the order it was given. */
    private static final class FrozenMap<K, V> extends AbstractMap<K, V> {

        private final Map<K, V> copy;

        FrozenMap(Map<K, V> map) {
            this.copy = Collections.unmodifiableMap(new LinkedHashMap<>(map));
        }

        @Override
        public Set<Entry<K, V>> entrySet() {
            return copy.entrySet();
        }

        @Override
        public @Nullable V get(@Nullable Object key) {
            return copy.get(key);
        }

        @Override
        public boolean containsKey(@Nullable Object key) {
            return copy.containsKey(key);
        }

        @Override
        public int size() {
            return copy.size();
        }
    }
}
