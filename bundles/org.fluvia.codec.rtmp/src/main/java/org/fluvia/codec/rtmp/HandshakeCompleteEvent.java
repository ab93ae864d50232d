package org.fluvia.codec.rtmp;

/**
 * User event fired by the handshake handlers once C2 (server) or S2 (client) has been handled.
 *
 * @param digest whether both sides used the digest ("complex") handshake
 */
public record HandshakeCompleteEvent(boolean digest) {
}
