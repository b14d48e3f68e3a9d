package io.llmgateway.app.openapi;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JavaType;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.core.jackson.TypeNameResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.media.Schema;
import java.lang.annotation.Annotation;
import java.lang.reflect.RecordComponent;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import tools.jackson.databind.JsonNode;

/**
 * The gateway's rules for the schema of every type springdoc describes. It runs last before swagger's own resolver
 * ({@link #getOrder}: springdoc puts the first converter bean nearest to it), so it sees the type a schema is made
 * of: after springdoc has unwrapped {@code Mono} and put {@link WireBodies} in place of the bodies read by hand.
 *
 * <ul>
 *   <li>Names: a type of a module that knows nothing of OpenAPI ({@code gateway-core}, {@code retrieval}) whose simple
 *       name another type has too gets its name from {@code names}; the app's own types name themselves with
 *       {@code @Schema(name)}.
 *   <li>One type to a name: a second type that would take a name already taken is a collision, which
 *       {@link #collisions} reports (and the document refuses to build with one, see {@link OpenApiCustomizations}).
 *   <li>Required and nullable from the records' null-safety: the gateway's packages are {@code @NullMarked}, so a
 *       component without {@code @Nullable} is always there (a required property) and one with it may be null (a
 *       nullable property, not required). An {@link Optional} component is neither: absent or a value. A property an
 *       annotation already marks required stays required.
 *   <li>The fields a record keeps in a map of its own ({@code @JsonAnyGetter}) are additional properties, not a
 *       property named after the map.
 *   <li>A property that is one of several schemas ({@code oneOf}), or any JSON value (Jackson's {@code JsonNode}), is
 *       nothing else besides: no {@code "type": "object"}. Nullable says nothing without a type, so such a property is
 *       not marked nullable.
 * </ul>
 */
final class SchemaRules implements ModelConverter, Ordered {

    private static final String REF_SCHEMAS = "#/components/schemas/";

    /** Which type took which name, across every document built in this JVM (the types are the same in each). */
    private static final Map<String, String> TAKEN = new ConcurrentHashMap<>();

    private static final Set<String> COLLISIONS = ConcurrentHashMap.newKeySet();

    private final Map<Class<?>, String> names;

    SchemaRules(Map<Class<?>, String> names) {
        this.names = Map.copyOf(names);
    }

    /** The names that two types would share, each with both types; empty when the document is sound. */
    static Set<String> collisions() {
        return new TreeSet<>(COLLISIONS);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    @SuppressWarnings("rawtypes") // swagger's model API is raw
    public @Nullable Schema resolve(AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> chain) {
        if (!chain.hasNext()) {
            return null;
        }
        JavaType javaType = type.getType() == null ? null : Json.mapper().constructType(type.getType());
        String named = javaType == null ? null : names.get(javaType.getRawClass());
        if (named != null && (type.getName() == null || type.getName().isEmpty())) {
            type.name(named);
        }
        Schema schema = chain.next().resolve(type, context, chain);
        Schema model = schema == null || schema.get$ref() == null
                ? schema
                : context.getDefinedModels().get(schema.get$ref().substring(REF_SCHEMAS.length()));
        if (model != null
                && javaType != null
                && model.getName() != null
                && model.getName().equals(named != null ? named : TypeNameResolver.std.nameForType(javaType))) {
            claim(model.getName(), javaType.toCanonical());
            if (javaType.getRawClass().isRecord()) {
                properties(model, javaType.getRawClass());
            }
        }
        return schema;
    }

    private static void claim(String name, String type) {
        String taken = TAKEN.putIfAbsent(name, type);
        if (taken != null && !taken.equals(type)) {
            COLLISIONS.add(name + ": " + taken + " and " + type);
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void properties(Schema model, Class<?> record) {
        Map<String, Schema> properties = model.getProperties();
        if (properties == null) {
            return;
        }
        for (RecordComponent component : record.getRecordComponents()) {
            String name = jsonName(component);
            Schema property = properties.get(name);
            if (property == null) {
                continue;
            }
            if (annotated(component, JsonAnyGetter.class)) {
                properties.remove(name);
                model.setAdditionalProperties(true);
                continue;
            }
            if (property.getOneOf() != null || component.getType() == JsonNode.class) {
                // one of several schemas, or any JSON value (a tree): nothing besides
                property.setType(null);
                property.setProperties(null);
            }
            List<String> required = model.getRequired();
            if (component.getType() == Optional.class || (required != null && required.contains(name))) {
                continue;
            }
            if (!component.getAnnotatedType().isAnnotationPresent(Nullable.class)) {
                model.addRequiredItem(name);
            } else if (property.get$ref() == null && property.getType() != null) {
                property.setNullable(true);
            }
        }
    }

    private static String jsonName(RecordComponent component) {
        JsonProperty renamed = annotation(component, JsonProperty.class);
        return renamed == null || renamed.value().isEmpty() ? component.getName() : renamed.value();
    }

    private static boolean annotated(RecordComponent component, Class<? extends Annotation> type) {
        return annotation(component, type) != null;
    }

    /** An annotation of the component as Jackson sees it: on its accessor or on its field. */
    private static <A extends Annotation> @Nullable A annotation(RecordComponent component, Class<A> type) {
        A onAccessor = component.getAccessor().getAnnotation(type);
        if (onAccessor != null) {
            return onAccessor;
        }
        try {
            return component
                    .getDeclaringRecord()
                    .getDeclaredField(component.getName())
                    .getAnnotation(type);
        } catch (NoSuchFieldException e) {
            return null;
        }
    }
}
