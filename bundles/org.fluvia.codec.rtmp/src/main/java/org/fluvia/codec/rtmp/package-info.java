/**
 * The RTMP wire codec: the simple and digest handshakes, the chunk stream, protocol and user
 * control messages, commands, data messages and aggregates.
 */
@Export
@Version("1.1.0")
package org.fluvia.codec.rtmp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
