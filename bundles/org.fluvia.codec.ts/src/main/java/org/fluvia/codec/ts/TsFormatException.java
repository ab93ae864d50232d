package org.fluvia.codec.ts;

/** Signals a media body that cannot be muxed into a transport stream (malformed, truncated or of an unsupported codec). */
public class TsFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was wrong, and where when known
     */
    public TsFormatException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong, and where when known
     * @param cause the underlying failure
     */
    public TsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
