package org.fluvia.codec.amf;

import java.util.LinkedHashMap;

/** An AMF0 ECMA (associative) array, or the associative form of an AMF3 array, with keys in order. */
public class AmfEcmaArray extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    /** Creates an empty array. */
    public AmfEcmaArray() {
    }

    /**
     * @param entries the entries to copy, in their iteration order
     */
    public AmfEcmaArray(java.util.Map<String, ?> entries) {
        super(entries);
    }
}
