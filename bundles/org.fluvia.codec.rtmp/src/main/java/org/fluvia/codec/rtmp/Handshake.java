package org.fluvia.codec.rtmp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The arithmetic of the RTMP digest ("complex") handshake shared by the client and server handlers. */
final class Handshake {

    static final int VERSION = 3;
    static final int PACKET_SIZE = 1536;
    static final int DIGEST_SIZE = 32;

    /** Schema 1 puts the digest block first (its offset bytes start at 8), schema 0 second (at 772). */
    static final int SCHEMA_DIGEST_FIRST = 1;
    static final int SCHEMA_DIGEST_SECOND = 0;

    /** The 32 bytes both published keys end with. */
    private static final byte[] KEY_TAIL = {
        (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, (byte) 0x4A, (byte) 0x80, (byte) 0x68, (byte) 0xBE, (byte) 0xE8,
        (byte) 0x2E, (byte) 0x00, (byte) 0xD0, (byte) 0xD1, (byte) 0x02, (byte) 0x9E, (byte) 0x7E, (byte) 0x57,
        (byte) 0x6E, (byte) 0xEC, (byte) 0x5D, (byte) 0x2D, (byte) 0x29, (byte) 0x80, (byte) 0x6F, (byte) 0xAB,
        (byte) 0x93, (byte) 0xB8, (byte) 0xE6, (byte) 0x36, (byte) 0xCF, (byte) 0xEB, (byte) 0x31, (byte) 0xAE,
    };

    /** Client (Flash Player) key: its 30-byte text signs C1, the whole 62 bytes derive the C2 key. */
    static final byte[] PLAYER_KEY = key("Genuine Adobe Flash Player 001");
    static final int PLAYER_KEY_TEXT_LENGTH = 30;

    /** Server (FMS) key: its 36-byte text signs S1, the whole 68 bytes derive the S2 key. */
    static final byte[] SERVER_KEY = key("Genuine Adobe Flash Media Server 001");
    static final int SERVER_KEY_TEXT_LENGTH = 36;

    /** Version field in our C1: a non-zero Flash Player version makes servers pick the digest form. */
    static final int PLAYER_VERSION = 0x09007C02; // 9.0.124.2
    /** Version field in our digest S1. */
    static final int SERVER_VERSION = 0x03050101; // 3.5.1.1

    private Handshake() {
    }

    private static byte[] key(String text) {
        byte[] head = text.getBytes(StandardCharsets.US_ASCII);
        byte[] key = new byte[head.length + KEY_TAIL.length];
        System.arraycopy(head, 0, key, 0, head.length);
        System.arraycopy(KEY_TAIL, 0, key, head.length, KEY_TAIL.length);
        return key;
    }

    static void randomBytes(Random random, byte[] dst, int from, int to) {
        Random r = random != null ? random : ThreadLocalRandom.current();
        byte[] tmp = new byte[to - from];
        r.nextBytes(tmp);
        System.arraycopy(tmp, 0, dst, from, tmp.length);
    }

    /** Milliseconds for the time field; only its monotony within one connection matters. */
    static int uptime() {
        return (int) (System.nanoTime() / 1_000_000L);
    }

    /** Where the 32-byte digest sits in a 1536-byte packet for the given schema. */
    static int digestOffset(byte[] packet, int schema) {
        int base = schema == SCHEMA_DIGEST_FIRST ? 8 : 772;
        int sum = (packet[base] & 0xFF) + (packet[base + 1] & 0xFF) + (packet[base + 2] & 0xFF) + (packet[base + 3] & 0xFF);
        return base + 4 + sum % 728;
    }

    /**
     * One HmacSHA256 per thread, re-keyed for each use: {@code Mac.getInstance} looks the provider up
     * again every time, and that lookup was a fifth of a handshake's cost while a node takes a burst
     * of connections.
     */
    private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    });

    private static Mac hmacKeyed(byte[] key, int keyLength) {
        Mac mac = HMAC.get();
        try {
            mac.init(new SecretKeySpec(key, 0, keyLength, "HmacSHA256")); // init also resets it
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 refused a key", e);
        }
        return mac;
    }

    static byte[] hmac(byte[] key, int keyLength, byte[] data, int from, int to) {
        Mac mac = hmacKeyed(key, keyLength);
        mac.update(data, from, to - from);
        return mac.doFinal();
    }

    /** The digest of a packet: an HMAC over all 1536 bytes except the 32 that hold the digest itself. */
    static byte[] packetDigest(byte[] packet, int digestOffset, byte[] key, int keyLength) {
        Mac mac = hmacKeyed(key, keyLength);
        mac.update(packet, 0, digestOffset);
        int after = digestOffset + DIGEST_SIZE;
        mac.update(packet, after, PACKET_SIZE - after);
        return mac.doFinal();
    }

    /** Signs the packet in place at the schema's offset and returns that offset. */
    static int sign(byte[] packet, int schema, byte[] key, int keyLength) {
        int offset = digestOffset(packet, schema);
        byte[] digest = packetDigest(packet, offset, key, keyLength);
        System.arraycopy(digest, 0, packet, offset, DIGEST_SIZE);
        return offset;
    }

    /** The schema whose digest verifies (schema 1 tried first), or -1 when neither does. */
    static int findSchema(byte[] packet, byte[] key, int keyLength) {
        for (int schema : new int[] {SCHEMA_DIGEST_FIRST, SCHEMA_DIGEST_SECOND}) {
            int offset = digestOffset(packet, schema);
            byte[] expected = packetDigest(packet, offset, key, keyLength);
            if (MessageDigest.isEqual(expected, slice(packet, offset, DIGEST_SIZE))) {
                return schema;
            }
        }
        return -1;
    }

    static byte[] slice(byte[] bytes, int from, int length) {
        byte[] result = new byte[length];
        System.arraycopy(bytes, from, result, 0, length);
        return result;
    }

    /**
     * The answer to a digest packet (S2 or C2): 1504 random bytes followed by their HMAC keyed by
     * HMAC(full key, the peer's digest).
     */
    static byte[] answer(byte[] peerDigest, byte[] fullKey, Random random) {
        byte[] packet = new byte[PACKET_SIZE];
        randomBytes(random, packet, 0, PACKET_SIZE - DIGEST_SIZE);
        byte[] digest = answerDigest(packet, peerDigest, fullKey);
        System.arraycopy(digest, 0, packet, PACKET_SIZE - DIGEST_SIZE, DIGEST_SIZE);
        return packet;
    }

    static byte[] answerDigest(byte[] packet, byte[] peerDigest, byte[] fullKey) {
        byte[] key = hmac(fullKey, fullKey.length, peerDigest, 0, peerDigest.length);
        return hmac(key, key.length, packet, 0, PACKET_SIZE - DIGEST_SIZE);
    }

    static void putInt(byte[] packet, int offset, int value) {
        packet[offset] = (byte) (value >>> 24);
        packet[offset + 1] = (byte) (value >>> 16);
        packet[offset + 2] = (byte) (value >>> 8);
        packet[offset + 3] = (byte) value;
    }
}
