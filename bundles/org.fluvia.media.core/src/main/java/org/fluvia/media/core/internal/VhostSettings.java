package org.fluvia.media.core.internal;

/** The play settings of one vhost, as the hub uses them. */
record VhostSettings(String vhost, boolean gopCache, int queueLengthMs, TimeJitter timeJitter, int gopCacheMaxFrames, int mwLatencyMs) {

    /** Default write batching window: a player's queued messages go out at most this often. */
    static final int DEFAULT_MW_LATENCY_MS = 30;

    static final VhostSettings DEFAULTS = new VhostSettings("__defaultVhost__", true, 10_000, TimeJitter.FULL, 2500, DEFAULT_MW_LATENCY_MS);
}
