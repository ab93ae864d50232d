package org.fluvia.codec.amf;

import java.util.LinkedHashMap;
import java.util.Objects;

/** An AMF object: ordered properties plus an optional class name (null for an anonymous object). */
public class AmfObject extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    private final String className;

    /** Creates an anonymous object. */
    public AmfObject() {
        this(null);
    }

    /**
     * @param className the registered class name of a typed object, or null for an anonymous one
     */
    public AmfObject(String className) {
        this.className = className;
    }

    /**
     * Builds an anonymous object from alternating keys and values, in order.
     *
     * @param keyValues key1, value1, key2, value2, ...; keys must be strings
     * @return a new anonymous object
     * @throws IllegalArgumentException if the count is odd or a key is not a string
     */
    public static AmfObject of(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("AmfObject.of needs key/value pairs, got " + keyValues.length + " arguments");
        }
        AmfObject object = new AmfObject();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (!(keyValues[i] instanceof String key)) {
                throw new IllegalArgumentException("AmfObject.of key at argument " + i + " is not a String: " + keyValues[i]);
            }
            object.put(key, keyValues[i + 1]);
        }
        return object;
    }

    /**
     * @return the class name of a typed object, or null for an anonymous object
     */
    public String className() {
        return className;
    }

    // Two AmfObjects differ if their class names do; against a plain Map only the entries count,
    // which keeps equals symmetric with other Map implementations.
    @Override
    public boolean equals(Object o) {
        if (o instanceof AmfObject other && !Objects.equals(className, other.className)) {
            return false;
        }
        return super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }

    @Override
    public String toString() {
        return className == null ? super.toString() : className + super.toString();
    }
}
