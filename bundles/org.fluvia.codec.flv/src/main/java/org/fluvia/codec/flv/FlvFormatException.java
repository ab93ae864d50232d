package org.fluvia.codec.flv;

import io.netty.handler.codec.CorruptedFrameException;

/** Signals FLV data that violates the format or a configured limit; the stream cannot be decoded further. */
public class FlvFormatException extends CorruptedFrameException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was wrong, and where when known
     */
    public FlvFormatException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong, and where when known
     * @param cause the underlying failure
     */
    public FlvFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
