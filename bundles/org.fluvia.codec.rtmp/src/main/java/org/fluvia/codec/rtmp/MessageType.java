package org.fluvia.codec.rtmp;

/** RTMP message type ids (RTMP specification 1.0, sections 5.4, 6.2 and 7.1). */
public final class MessageType {

    public static final int SET_CHUNK_SIZE = 1;
    public static final int ABORT = 2;
    public static final int ACKNOWLEDGEMENT = 3;
    public static final int USER_CONTROL = 4;
    public static final int WINDOW_ACK_SIZE = 5;
    public static final int SET_PEER_BANDWIDTH = 6;
    public static final int AUDIO = 8;
    public static final int VIDEO = 9;
    public static final int DATA_AMF3 = 15;
    public static final int SHARED_OBJECT_AMF3 = 16;
    public static final int COMMAND_AMF3 = 17;
    public static final int DATA_AMF0 = 18;
    public static final int SHARED_OBJECT_AMF0 = 19;
    public static final int COMMAND_AMF0 = 20;
    public static final int AGGREGATE = 22;

    private MessageType() {
    }

    /** Whether the type is one of the protocol control messages (1, 2, 3, 5, 6) that use chunk stream 2. */
    public static boolean isProtocolControl(int typeId) {
        return typeId == SET_CHUNK_SIZE || typeId == ABORT || typeId == ACKNOWLEDGEMENT
                || typeId == WINDOW_ACK_SIZE || typeId == SET_PEER_BANDWIDTH;
    }

    /** A short name for logs, such as {@code "VIDEO"} or {@code "type 99"}. */
    public static String name(int typeId) {
        return switch (typeId) {
            case SET_CHUNK_SIZE -> "SET_CHUNK_SIZE";
            case ABORT -> "ABORT";
            case ACKNOWLEDGEMENT -> "ACKNOWLEDGEMENT";
            case USER_CONTROL -> "USER_CONTROL";
            case WINDOW_ACK_SIZE -> "WINDOW_ACK_SIZE";
            case SET_PEER_BANDWIDTH -> "SET_PEER_BANDWIDTH";
            case AUDIO -> "AUDIO";
            case VIDEO -> "VIDEO";
            case DATA_AMF3 -> "DATA_AMF3";
            case SHARED_OBJECT_AMF3 -> "SHARED_OBJECT_AMF3";
            case COMMAND_AMF3 -> "COMMAND_AMF3";
            case DATA_AMF0 -> "DATA_AMF0";
            case SHARED_OBJECT_AMF0 -> "SHARED_OBJECT_AMF0";
            case COMMAND_AMF0 -> "COMMAND_AMF0";
            case AGGREGATE -> "AGGREGATE";
            default -> "type " + typeId;
        };
    }
}
