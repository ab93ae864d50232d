package org.fluvia.forward.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/** Drives DS components as plain objects: configuration annotations, references, lifecycle methods. */
final class Components {
    private Components() {
    }

    @SuppressWarnings("unchecked")
    static <A> A config(Class<A> type, Map<String, Object> values) {
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
            if (m.getName().equals("hashCode")) {
                return System.identityHashCode(proxy);
            }
            if (m.getName().equals("equals")) {
                return proxy == args[0];
            }
            return type.getSimpleName() + values;
        });
    }

    static Object call(Object target, String method, Object... args) {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                    try {
                        m.setAccessible(true);
                        return m.invoke(target, args);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException("calling " + method + " on " + target, e.getCause() != null ? e.getCause() : e);
                    }
                }
            }
        }
        throw new IllegalArgumentException("no method " + method + "/" + args.length + " on " + target.getClass());
    }

    static void set(Object target, String field, Object value) {
        try {
            Field f = target.getClass().getDeclaredField(field);
            f.setAccessible(true);
            f.set(target, value);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Activates a component with its nested {@code Config} annotation built from {@code config}. */
    static void activate(Object component, Map<String, Object> config) {
        for (Class<?> c : component.getClass().getDeclaredClasses()) {
            if (c.getSimpleName().equals("Config")) {
                call(component, "activate", config(c, config));
                return;
            }
        }
        throw new IllegalArgumentException(component.getClass() + " has no Config");
    }
}
