package org.fluvia.media.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A live stream in the hub: at most one source (a publisher or a pull) and any number of readers.
 * It caches the last metadata, the audio and video sequence headers and the current GOP so that a
 * reader that joins late starts with a decodable picture.
 */
@ProviderType
public interface Stream {

    StreamKey key();

    /** Whether a source is publishing now. A stream without one may still have waiting readers. */
    boolean isPublished();

    /** The current source's kind, or null when nobody publishes. */
    SourceKind sourceKind();

    /** A description of the current source for logs and the API (e.g. {@code rtmp client=12 127.0.0.1:5000}). */
    String sourceDescription();

    /** How many readers are subscribed now. */
    int readerCount();

    /**
     * The last {@code onMetaData}, retained for the caller (who must release it), or null.
     */
    MediaMessage metadata();

    /** The last video sequence header, retained for the caller (who must release it), or null. */
    MediaMessage videoSequenceHeader();

    /** The last audio sequence header, retained for the caller (who must release it), or null. */
    MediaMessage audioSequenceHeader();

    /** Messages published since the stream was created, and their payload bytes. */
    long messagesIn();

    long bytesIn();

    /** When the current source started publishing (epoch ms), or 0. */
    long publishedSince();
}
