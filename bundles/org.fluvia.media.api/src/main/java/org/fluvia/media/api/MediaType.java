package org.fluvia.media.api;

/** The three kinds of media message, with their RTMP/FLV type ids. */
public enum MediaType {
    AUDIO(8), VIDEO(9), DATA(18);

    private final int typeId;

    MediaType(int typeId) {
        this.typeId = typeId;
    }

    /** The RTMP message type id, which is also the FLV tag type. */
    public int typeId() {
        return typeId;
    }

    /** The media type for an RTMP message type / FLV tag type, or null when it is not media. */
    public static MediaType ofTypeId(int typeId) {
        switch (typeId) {
            case 8: return AUDIO;
            case 9: return VIDEO;
            case 18: return DATA;
            default: return null;
        }
    }
}
