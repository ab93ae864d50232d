package org.fluvia.media.core.internal;

import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.Publication;
import org.fluvia.media.api.Stream;

/** A source's handle: corrects timestamps once, then hands each message to the stream. */
final class HubPublication implements Publication {

    private final HubStream stream;
    private final TimeJitter.Corrector corrector;
    private volatile boolean closed;

    HubPublication(HubStream stream, TimeJitter.Corrector corrector) {
        this.stream = stream;
        this.corrector = corrector;
    }

    @Override
    public Stream stream() {
        return stream;
    }

    @Override
    public void publish(MediaMessage message) {
        if (closed) {
            message.release();
            return;
        }
        MediaMessage m = message;
        int corrected = corrector.correct(message.timestamp());
        if (corrected != message.timestamp()) {
            m = message.withTimestamp(corrected);
            message.release();
        }
        stream.ingest(this, m);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            stream.detachSource(this);
        }
    }

    void markClosed() {
        closed = true;
    }
}
