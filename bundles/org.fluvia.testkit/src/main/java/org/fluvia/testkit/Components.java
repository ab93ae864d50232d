package org.fluvia.testkit;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/** Drives DS components as plain objects: configuration annotations, references, lifecycle methods. */
public final class Components {
    private Components() {
    }

    /**
     * An instance of the configuration annotation {@code type} whose methods return {@code values} (by method
     * name) or their defaults; a method with neither fails when called.
     */
    @SuppressWarnings("unchecked")
    public static <A> A config(Class<A> type, Map<String, Object> values) {
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

    /**
     * Calls the (private or package-private) method {@code method} with {@code args.length} parameters, looking in
     * superclasses too. A RuntimeException the method throws comes out as is, anything else wrapped in IllegalStateException.
     */
    public static Object call(Object target, String method, Object... args) {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                    try {
                        m.setAccessible(true);
                        return m.invoke(target, args);
                    } catch (ReflectiveOperationException e) {
                        Throwable cause = e.getCause() != null ? e.getCause() : e;
                        if (cause instanceof RuntimeException r) {
                            throw r;
                        }
                        throw new IllegalStateException("calling " + method + " on " + target, cause);
                    }
                }
            }
        }
        throw new IllegalArgumentException("no method " + method + "/" + args.length + " on " + target.getClass());
    }

    /** Sets a (package-private) field, looking in superclasses too, as DS injects a reference. */
    public static void set(Object target, String field, Object value) {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(field);
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

    /** Activates a component with its nested {@code Config} annotation built from {@code config}. */
    public static void activate(Object component, Map<String, Object> config) {
        for (Class<?> c : component.getClass().getDeclaredClasses()) {
            if (c.getSimpleName().equals("Config")) {
                call(component, "activate", config(c, config));
                return;
            }
        }
        throw new IllegalArgumentException(component.getClass() + " has no Config");
    }
}
