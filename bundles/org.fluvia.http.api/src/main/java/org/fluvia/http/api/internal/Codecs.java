package org.fluvia.http.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import org.fluvia.codec.flv.AacConfiguration;
import org.fluvia.codec.flv.AvcConfiguration;
import org.fluvia.codec.flv.FlvAudio;
import org.fluvia.codec.flv.FlvFormatException;
import org.fluvia.codec.flv.FlvVideo;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.Stream;

/** A stream's {@code video} and {@code audio} objects, read from its cached sequence headers as SRS names them. */
final class Codecs {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Codecs() {
    }

    /** {codec, profile, level, width, height}, or JSON null when the stream has no video sequence header. */
    static JsonNode video(Stream stream) {
        MediaMessage header = stream.videoSequenceHeader();
        if (header == null) {
            return JSON.nullNode();
        }
        try {
            return video(header.payload());
        } finally {
            header.release();
        }
    }

    /** {codec, sample_rate, channel, profile}, or JSON null when the stream has no audio sequence header. */
    static JsonNode audio(Stream stream) {
        MediaMessage header = stream.audioSequenceHeader();
        if (header == null) {
            return JSON.nullNode();
        }
        try {
            return audio(header.payload());
        } finally {
            header.release();
        }
    }

    /** @param body an FLV video tag body holding a sequence header; not released */
    static JsonNode video(ByteBuf body) {
        if (!body.isReadable()) {
            return JSON.nullNode();
        }
        int codecId = FlvVideo.codecId(body);
        ObjectNode video = JSON.objectNode();
        video.put("codec", FlvVideo.codecName(codecId));
        String profile = "Other";
        String level = "Other";
        int width = 0;
        int height = 0;
        if (codecId == FlvVideo.CODEC_AVC) {
            try {
                AvcConfiguration avc = AvcConfiguration.parse(body);
                profile = avcProfile(avc.profile());
                level = avcLevel(avc.level());
                width = avc.width();
                height = avc.height();
            } catch (FlvFormatException e) {
                // A malformed record: the codec is still known, the rest is not.
            }
        }
        video.put("profile", profile);
        video.put("level", level);
        video.put("width", width);
        video.put("height", height);
        return video;
    }

    /** @param body an FLV audio tag body holding a sequence header; not released */
    static JsonNode audio(ByteBuf body) {
        if (!body.isReadable()) {
            return JSON.nullNode();
        }
        int format = FlvAudio.soundFormat(body);
        ObjectNode audio = JSON.objectNode();
        audio.put("codec", FlvAudio.codecName(format));
        int sampleRate = 0;
        int channels = 0;
        String profile = "Other";
        if (format == FlvAudio.FORMAT_AAC) {
            try {
                AacConfiguration aac = AacConfiguration.parse(body);
                sampleRate = aac.sampleRate();
                channels = aac.channelCount();
                profile = aacProfile(aac.audioObjectType());
            } catch (FlvFormatException e) {
                // A malformed AudioSpecificConfig: the codec is still known, the rest is not.
            }
        }
        audio.put("sample_rate", sampleRate);
        audio.put("channel", channels);
        audio.put("profile", profile);
        return audio;
    }

    /** SRS's {@code srs_avc_profile2str} for a profile_idc. */
    static String avcProfile(int profileIdc) {
        return switch (profileIdc) {
            case 66 -> "Baseline";
            case 77 -> "Main";
            case 88 -> "Extended";
            case 100 -> "High";
            case 110 -> "High(10)";
            case 122 -> "High(422)";
            case 144 -> "High(444)";
            case 244 -> "High(444+Predictive)";
            default -> "Other";
        };
    }

    /** SRS's {@code srs_avc_level2str} for a level_idc: 31 is "3.1", 30 is "3"; 9 (level 1b) and unknown values are "Other". */
    static String avcLevel(int levelIdc) {
        return switch (levelIdc) {
            case 10, 20, 30, 40, 50, 60 -> String.valueOf(levelIdc / 10);
            case 11, 12, 13, 21, 22, 31, 32, 41, 42, 51, 52, 61, 62 -> levelIdc / 10 + "." + levelIdc % 10;
            default -> "Other";
        };
    }

    /** SRS's {@code srs_aac_object2str} for an audio object type. */
    static String aacProfile(int audioObjectType) {
        return switch (audioObjectType) {
            case 1 -> "Main";
            case 2 -> "LC";
            case 3 -> "SSR";
            case 5 -> "HE";
            case 29 -> "HEv2";
            default -> "Other";
        };
    }
}
