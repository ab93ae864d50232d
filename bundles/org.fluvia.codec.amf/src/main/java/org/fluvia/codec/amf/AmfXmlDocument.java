package org.fluvia.codec.amf;

/**
 * An AMF XML document value, kept as its source text.
 *
 * @param xml the XML text
 */
public record AmfXmlDocument(String xml) {
    /** Rejects a null text so that writing never has to. */
    public AmfXmlDocument {
        java.util.Objects.requireNonNull(xml, "xml");
    }
}
