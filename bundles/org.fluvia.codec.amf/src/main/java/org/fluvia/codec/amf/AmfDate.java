package org.fluvia.codec.amf;

/**
 * An AMF date: milliseconds since the Unix epoch (UTC) and the reserved AMF0 time-zone field.
 *
 * @param epochMillis milliseconds since 1970-01-01T00:00Z
 * @param timezone the AMF0 time-zone field, which the spec says to write as 0 and ignore
 */
public record AmfDate(double epochMillis, short timezone) {
}
