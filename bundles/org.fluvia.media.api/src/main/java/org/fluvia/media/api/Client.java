package org.fluvia.media.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A connected client (a publisher or a player, over any protocol) as the API, the console and the
 * hooks see it. Implemented by the servers; registered with the {@link ClientRegistry}.
 */
@ConsumerType
public interface Client {

    /** Whether the client publishes or plays. */
    enum Role { PUBLISH, PLAY }

    /** The node-wide id from {@link ClientRegistry#nextId()}. */
    long id();

    /** The protocol, e.g. {@code rtmp}, {@code flv}, {@code hls}. */
    String protocol();

    /** PUBLISH or PLAY; null while the client has done neither yet. */
    Role role();

    /** The peer's address without the port, e.g. {@code 127.0.0.1}. */
    String ip();

    /** The stream the client publishes or plays, or null. */
    StreamKey stream();

    /** The URL the client used (tcUrl + stream for RTMP, the request URL for HTTP). */
    String url();

    /** The query parameters the client sent with the stream name, without the leading '?', or "". */
    String param();

    /** When the client connected (epoch ms). */
    long connectedAt();

    long bytesIn();

    long bytesOut();

    /** Closes the client's connection (DELETE /api/v1/clients/{id}); a publisher's stream ends. */
    void kick();
}
