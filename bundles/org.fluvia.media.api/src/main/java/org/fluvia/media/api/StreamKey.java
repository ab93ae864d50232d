package org.fluvia.media.api;

import java.util.Objects;

/**
 * Identifies a stream: the vhost, the application and the stream name (without query parameters).
 */
public record StreamKey(String vhost, String app, String stream) {

    /** SRS's name for the vhost used when a client names none. */
    public static final String DEFAULT_VHOST = "__defaultVhost__";

    public StreamKey {
        Objects.requireNonNull(vhost, "vhost");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(stream, "stream");
        if (vhost.isEmpty()) {
            vhost = DEFAULT_VHOST;
        }
        if (app.isEmpty() || stream.isEmpty()) {
            throw new IllegalArgumentException("app and stream must not be empty: '" + app + "/" + stream + "'");
        }
    }

    /** A key in the default vhost. */
    public static StreamKey of(String app, String stream) {
        return new StreamKey(DEFAULT_VHOST, app, stream);
    }

    public boolean isDefaultVhost() {
        return DEFAULT_VHOST.equals(vhost);
    }

    /** {@code app/stream} for the default vhost, {@code vhost/app/stream} otherwise: what log lines show. */
    @Override
    public String toString() {
        return isDefaultVhost() ? app + "/" + stream : vhost + "/" + app + "/" + stream;
    }
}
