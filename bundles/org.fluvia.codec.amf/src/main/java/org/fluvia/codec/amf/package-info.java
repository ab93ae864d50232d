/**
 * AMF0 and AMF3 (Action Message Format) values read from and written to Netty buffers, as used by
 * RTMP commands and FLV script data.
 */
@Export
@Version("1.0.0")
package org.fluvia.codec.amf;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
