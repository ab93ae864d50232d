/**
 * Helpers shared by the bundles' tests (test scope only): {@link org.fluvia.testkit.Ffmpeg} runs the real
 * ffmpeg and ffprobe, {@link org.fluvia.testkit.Components} drives DS components as plain objects,
 * {@link org.fluvia.testkit.Ports}, {@link org.fluvia.testkit.Await} and {@link org.fluvia.testkit.Leaks}.
 */
package org.fluvia.testkit;
