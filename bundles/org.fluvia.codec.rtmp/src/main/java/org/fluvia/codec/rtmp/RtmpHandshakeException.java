package org.fluvia.codec.rtmp;

/** Thrown when the RTMP handshake cannot be completed with a peer. */
public class RtmpHandshakeException extends RtmpProtocolException {

    private static final long serialVersionUID = 1L;

    public RtmpHandshakeException(String message) {
        super(message);
    }
}
