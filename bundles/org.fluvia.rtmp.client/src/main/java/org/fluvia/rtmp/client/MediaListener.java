package org.fluvia.rtmp.client;

import org.fluvia.media.api.MediaMessage;
import org.osgi.annotation.versioning.ConsumerType;

/** Receives what a played stream sends. Called on the connection's event loop. */
@ConsumerType
public interface MediaListener {

    /** One audio, video or data message; the listener owns (and must release) it. */
    void onMedia(MediaMessage message);

    /** An {@code onStatus} the server sent, e.g. {@code NetStream.Play.UnpublishNotify}. */
    default void onStatus(String code, String description) {
    }

    /** The connection ended; {@code cause} is null for an orderly close. */
    default void onClosed(Throwable cause) {
    }
}
