package org.fluvia.media.core.internal;

/** The play settings of one vhost, as the hub uses them. */
record VhostSettings(String vhost, boolean gopCache, int queueLengthMs, TimeJitter timeJitter, int gopCacheMaxFrames, int mwLatencyMs) {

    /**
     * Default write batching window: a player gets about one write per window at most, at a video frame
     * (DrainGroup). At up to 30 fps that is a write per frame, the audio riding with the video; at 50-60
     * fps a write per two frames, the stream's players on a loop taking turns (docs/BENCHMARKS.md).
     */
    static final int DEFAULT_MW_LATENCY_MS = 30;

    static final VhostSettings DEFAULTS = new VhostSettings("__defaultVhost__", true, 10_000, TimeJitter.FULL, 2500, DEFAULT_MW_LATENCY_MS);
}
