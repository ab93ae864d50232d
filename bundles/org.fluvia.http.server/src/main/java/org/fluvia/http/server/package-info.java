/** The media plane's HTTP server: routes are whiteboard services, static files are served from a directory. */
@Export
@Version("2.2.0")
package org.fluvia.http.server;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
