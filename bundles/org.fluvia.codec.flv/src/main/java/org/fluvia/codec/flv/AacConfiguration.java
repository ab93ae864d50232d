package org.fluvia.codec.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/** An AAC AudioSpecificConfig (ISO 14496-3 1.6.2.1) from an FLV audio sequence header. */
public final class AacConfiguration {
    private static final int FLV_AUDIO_HEADER = 2;
    private static final int[] SAMPLE_RATES = {
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350};
    private static final int EXPLICIT_RATE = 0x0F;
    /** Channel counts by channelConfiguration 0..7 (0 means defined in-band by a program config element). */
    private static final int[] CHANNELS = {0, 1, 2, 3, 4, 5, 6, 8};

    private final int audioObjectType;
    private final int samplingFrequencyIndex;
    private final int sampleRate;
    private final int channelConfiguration;

    private AacConfiguration(int audioObjectType, int samplingFrequencyIndex, int sampleRate, int channelConfiguration) {
        this.audioObjectType = audioObjectType;
        this.samplingFrequencyIndex = samplingFrequencyIndex;
        this.sampleRate = sampleRate;
        this.channelConfiguration = channelConfiguration;
    }

    /**
     * Parses an AAC sequence header tag body: 2-byte FLV audio header, then the AudioSpecificConfig.
     *
     * @param flvAudioBody audio tag body; its indices are untouched and it is not released
     * @return the configuration
     * @throws FlvFormatException if the body is not an AAC sequence header or the config is malformed
     */
    public static AacConfiguration parse(ByteBuf flvAudioBody) {
        if (!FlvAudio.isSequenceHeader(flvAudioBody)) {
            throw new FlvFormatException("not an AAC sequence header");
        }
        int length = flvAudioBody.readableBytes() - FLV_AUDIO_HEADER;
        // AudioSpecificConfig is a handful of bytes; only the first 6 can hold the fields we read.
        byte[] config = ByteBufUtil.getBytes(flvAudioBody, flvAudioBody.readerIndex() + FLV_AUDIO_HEADER, Math.min(length, 6));
        BitReader r = new BitReader(config, "AudioSpecificConfig");
        int objectType = r.u(5);
        if (objectType == 31) {
            objectType = 32 + r.u(6);
        }
        if (objectType == 0) {
            throw new FlvFormatException("AudioSpecificConfig: audio object type 0 (null) is invalid");
        }
        int index = r.u(4);
        int rate;
        if (index == EXPLICIT_RATE) {
            rate = r.u(24);
            if (rate == 0) {
                throw new FlvFormatException("AudioSpecificConfig: explicit sampling frequency is 0");
            }
        } else if (index < SAMPLE_RATES.length) {
            rate = SAMPLE_RATES[index];
        } else {
            throw new FlvFormatException("AudioSpecificConfig: reserved sampling frequency index " + index);
        }
        int channels = r.u(4);
        if (channels >= CHANNELS.length) {
            throw new FlvFormatException("AudioSpecificConfig: reserved channel configuration " + channels);
        }
        return new AacConfiguration(objectType, index, rate, channels);
    }

    /**
     * @param soundFormat an FLV SoundFormat
     * @return a short name such as "AAC" (see {@link FlvAudio#codecName})
     */
    public static String codecName(int soundFormat) {
        return FlvAudio.codecName(soundFormat);
    }

    /**
     * @param codecId an FLV video CodecID
     * @return a short name such as "H264" (see {@link FlvVideo#codecName})
     */
    public static String videoCodecName(int codecId) {
        return FlvVideo.codecName(codecId);
    }

    /** @return the audio object type (2 for AAC LC, 5 for SBR, 29 for PS) */
    public int audioObjectType() {
        return audioObjectType;
    }

    /** @return the sampling frequency index, 15 when the rate is explicit */
    public int samplingFrequencyIndex() {
        return samplingFrequencyIndex;
    }

    /** @return the core sampling rate in Hz (before any SBR doubling) */
    public int sampleRate() {
        return sampleRate;
    }

    /** @return the channel configuration, 0 when a program config element defines the channels */
    public int channelConfiguration() {
        return channelConfiguration;
    }

    /** @return the number of channels the configuration implies (8 for configuration 7), 0 if defined in-band */
    public int channelCount() {
        return CHANNELS[channelConfiguration];
    }

    /** @return the RFC 6381 codec string, e.g. "mp4a.40.2" */
    public String codecString() {
        return "mp4a.40." + audioObjectType;
    }

    @Override
    public String toString() {
        return "AacConfiguration[" + codecString() + " " + sampleRate + " Hz, channels=" + channelConfiguration + "]";
    }
}
