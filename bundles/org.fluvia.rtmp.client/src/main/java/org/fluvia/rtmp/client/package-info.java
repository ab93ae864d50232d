/** Outbound RTMP: play a stream from, or publish a stream to, another server. */
@Export
@Version("1.1.0")
package org.fluvia.rtmp.client;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
