/**
 * SRS configuration files: a parser for SRS's nginx-like syntax, a translator into Configuration
 * Admin specifications, and the {@code fluvia -t} checker. Free of OSGi dependencies so the
 * launcher can use it before the framework starts.
 */
@Export
@Version("1.0.0")
package org.fluvia.config.srs;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
