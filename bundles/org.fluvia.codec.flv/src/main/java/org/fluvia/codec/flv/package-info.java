/**
 * FLV (Adobe Flash Video File Format v10.1): file header and tags written and read on Netty buffers,
 * script data (onMetaData), and the AVC/AAC sequence-header records carried in video and audio tags.
 */
@Export
@Version("1.0.0")
package org.fluvia.codec.flv;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
