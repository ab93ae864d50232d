package org.fluvia.media.api;

/** A second source tried to publish a stream that already has one. */
public class StreamBusyException extends Exception {
    private static final long serialVersionUID = 1L;

    public StreamBusyException(StreamKey key, String currentSource) {
        super("stream " + key + " is already published by " + currentSource);
    }
}
