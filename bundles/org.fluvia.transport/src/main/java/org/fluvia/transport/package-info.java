/** Shared Netty event loops for every Fluvia server and client. */
@Export
@Version("1.1.0")
package org.fluvia.transport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
