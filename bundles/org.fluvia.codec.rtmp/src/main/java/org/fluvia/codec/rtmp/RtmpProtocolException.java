package org.fluvia.codec.rtmp;

import io.netty.handler.codec.DecoderException;

/** Thrown when a peer violates the RTMP protocol; the channel that raised it is closed. */
public class RtmpProtocolException extends DecoderException {

    private static final long serialVersionUID = 1L;

    public RtmpProtocolException(String message) {
        super(message);
    }

    public RtmpProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
