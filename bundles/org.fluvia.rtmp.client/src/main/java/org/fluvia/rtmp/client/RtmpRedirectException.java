package org.fluvia.rtmp.client;

import java.io.IOException;

/**
 * The server refused the connection and named another server to use instead
 * ({@code NetConnection.Connect.Rejected} with {@code ex.redirect}, as SRS and nginx-rtmp send).
 */
public class RtmpRedirectException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String redirect;

    public RtmpRedirectException(String redirect, String message) {
        super(message + " (redirect to " + redirect + ")");
        this.redirect = redirect;
    }

    /** Where the server sent us: an RTMP URL (tcUrl form, without the stream). */
    public String redirect() {
        return redirect;
    }
}
