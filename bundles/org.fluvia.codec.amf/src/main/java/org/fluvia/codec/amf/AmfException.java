package org.fluvia.codec.amf;

/** Signals AMF input that cannot be decoded: malformed, truncated, unsupported or over a limit. */
public class AmfException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was wrong and at which buffer offset
     */
    public AmfException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong and at which buffer offset
     * @param cause the underlying failure
     */
    public AmfException(String message, Throwable cause) {
        super(message, cause);
    }
}
