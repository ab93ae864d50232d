/**
 * MPEG-2 transport stream (ISO/IEC 13818-1) muxing for HLS (RFC 8216): PAT and PMT, H.264 video as
 * Annex B access units and AAC audio as ADTS frames in PES packets, written from FLV tag bodies.
 */
@Export
@Version("1.0.0")
package org.fluvia.codec.ts;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
