package io.llmgateway.core.json;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.ValueInstantiators;
import tools.jackson.databind.deser.std.StdValueInstantiator;
import tools.jackson.databind.introspect.AnnotatedWithParams;
import tools.jackson.databind.module.SimpleModule;

/**
 * Builds records through a method handle made once per record type, instead of Jackson's per-call
 * {@code MethodHandle.invokeWithArguments}: on Java 17 that builds a new spreader on every call, which made building
 * the wire records (requests, completions, chunks, messages) a visible share of the gateway's CPU. Behaviour is
 * Jackson's own: the same constructor with the same arguments, and a constructor's exception reported the same way.
 */
final class RecordCreators extends SimpleModule {

    RecordCreators() {
        super("gateway-record-creators");
    }

    @Override
    public void setupModule(SetupContext context) {
        super.setupModule(context);
        context.addValueInstantiators(new ValueInstantiators.Base() {
            @Override
            public ValueInstantiator modifyValueInstantiator(
                    DeserializationConfig config,
                    BeanDescription.Supplier description,
                    ValueInstantiator instantiator) {
                return RecordInstantiator.of(instantiator);
            }
        });
    }

    /** Jackson's instantiator of a record, with the canonical constructor called through a spreading handle. */
    static final class RecordInstantiator extends StdValueInstantiator {

        private final transient MethodHandle constructor;

        private RecordInstantiator(StdValueInstantiator original, MethodHandle constructor) {
            super(original);
            this.constructor = constructor;
        }

        /** The faster instantiator for a record built from its properties; any other instantiator unchanged. */
        static ValueInstantiator of(ValueInstantiator instantiator) {
            if (instantiator.getClass() != StdValueInstantiator.class || !instantiator.canCreateFromObjectWith()) {
                return instantiator;
            }
            AnnotatedWithParams creator = instantiator.getWithArgsCreator();
            if (creator == null
                    || !(creator.getAnnotated() instanceof Constructor<?> constructor)
                    || !constructor.getDeclaringClass().isRecord()) {
                return instantiator;
            }
            try {
                MethodHandle handle = MethodHandles.lookup()
                        .unreflectConstructor(constructor)
                        .asSpreader(Object[].class, constructor.getParameterCount())
                        .asType(MethodType.methodType(Object.class, Object[].class));
                return new RecordInstantiator((StdValueInstantiator) instantiator, handle);
            } catch (IllegalAccessException | IllegalArgumentException e) {
                return instantiator; // not accessible from here: Jackson's own way still works
            }
        }

        @Override
        public Object createFromObjectWith(DeserializationContext context, Object[] arguments) {
            try {
                return (Object) constructor.invokeExact(arguments);
            } catch (Exception e) {
                return context.handleInstantiationProblem(_valueClass, arguments, rewrapCtorProblem(context, e));
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
