package org.fluvia.http.api.internal;

import org.fluvia.media.api.Client;
import org.fluvia.media.api.StreamKey;

/** A client as a server would register it, without a connection; remembers being kicked. */
class FakeClient implements Client {

    final long id;
    final String protocol;
    final Role role;
    final StreamKey stream;
    final long connectedAt = System.currentTimeMillis();
    volatile long bytesIn;
    volatile long bytesOut;
    volatile boolean kicked;
    AutoCloseable registration;

    FakeClient(long id, String protocol, Role role, StreamKey stream) {
        this.id = id;
        this.protocol = protocol;
        this.role = role;
        this.stream = stream;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public Role role() {
        return role;
    }

    @Override
    public String ip() {
        return "192.0.2.7";
    }

    @Override
    public StreamKey stream() {
        return stream;
    }

    @Override
    public String url() {
        return stream == null ? "rtmp://example.com/live" : "rtmp://example.com/" + stream.app() + "/" + stream.stream();
    }

    @Override
    public String param() {
        return "";
    }

    @Override
    public long connectedAt() {
        return connectedAt;
    }

    @Override
    public long bytesIn() {
        return bytesIn;
    }

    @Override
    public long bytesOut() {
        return bytesOut;
    }

    @Override
    public void kick() {
        kicked = true;
    }
}
