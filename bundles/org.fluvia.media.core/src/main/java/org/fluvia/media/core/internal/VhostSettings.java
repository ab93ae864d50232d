package org.fluvia.media.core.internal;

/** The play settings of one vhost, as the hub uses them. */
record VhostSettings(String vhost, boolean gopCache, int queueLengthMs, TimeJitter timeJitter, int gopCacheMaxFrames) {

    static final VhostSettings DEFAULTS = new VhostSettings("__defaultVhost__", true, 10_000, TimeJitter.FULL, 2500);
}
