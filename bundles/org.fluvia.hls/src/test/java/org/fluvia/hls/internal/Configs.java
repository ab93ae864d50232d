package org.fluvia.hls.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/** Builds DS configuration annotation instances for components used as plain objects in tests. */
final class Configs {
    private Configs() {
    }

    /** An instance of {@code type} whose methods return {@code values} (by method name) or their defaults. */
    @SuppressWarnings("unchecked")
    static <A> A of(Class<A> type, Map<String, Object> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, m, args) -> {
            if (m.getName().equals("annotationType")) {
                return type;
            }
            if (values.containsKey(m.getName())) {
                return values.get(m.getName());
            }
            if (m.getDefaultValue() != null) {
                return m.getDefaultValue();
            }
            if (m.getName().equals("toString")) {
                return type.getSimpleName() + values;
            }
            if (m.getName().equals("hashCode")) {
                return System.identityHashCode(proxy);
            }
            if (m.getName().equals("equals")) {
                return proxy == args[0];
            }
            throw new IllegalStateException("no value for " + m.getName());
        });
    }

    static Object call(Object target, String method, Object... args) {
        for (Method m : target.getClass().getDeclaredMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                try {
                    m.setAccessible(true);
                    return m.invoke(target, args);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("calling " + method + " on " + target, e.getCause() != null ? e.getCause() : e);
                }
            }
        }
        throw new IllegalArgumentException("no method " + method + "/" + args.length + " on " + target.getClass());
    }

    /** Sets a (package-private) field, as DS injects a reference. */
    static void set(Object target, String field, Object value) {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                java.lang.reflect.Field f = c.getDeclaredField(field);
                f.setAccessible(true);
                f.set(target, value);
                return;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalArgumentException("no field " + field + " on " + target.getClass());
    }
}
