/**
 * The media hub's API: streams keyed by vhost/app/stream, reference-counted media messages, the
 * registry, and the SPIs that readers, stream observers and on-demand providers implement.
 */
@Export
@Version("1.3.0")
package org.fluvia.media.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
