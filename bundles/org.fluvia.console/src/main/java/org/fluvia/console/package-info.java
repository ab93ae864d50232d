/**
 * The node's role: which of Fluvia's feature bundles run. {@link org.fluvia.console.Roles} defines the
 * presets (once, for the launcher and the console); {@link org.fluvia.console.RoleService} reads and
 * switches the role of the running node.
 */
@Export
@Version("1.0.0")
package org.fluvia.console;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
