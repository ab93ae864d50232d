package org.fluvia.hls.internal;

import org.fluvia.media.api.StreamKey;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SRS's file name templates: {@code [vhost]}, {@code [app]}, {@code [stream]}, {@code [seq]} and
 * {@code [timestamp]} (the segment's start on the stream's timeline, in ms: deterministic, unlike SRS's
 * wall-clock variables, so every node names a segment the same).
 */
final class Template {

    private static final Pattern VARIABLE = Pattern.compile("\\[(vhost|app|stream|seq|timestamp)\\]");
    private static final Pattern ANY_VARIABLE = Pattern.compile("\\[[^\\]/]*\\]");

    private Template() {
    }

    static void validate(String name, String template) {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        Matcher m = ANY_VARIABLE.matcher(template);
        while (m.find()) {
            if (!VARIABLE.matcher(m.group()).matches()) {
                throw new IllegalArgumentException(name + " uses " + m.group()
                        + ", which is not supported; use [vhost], [app], [stream], [seq] or [timestamp]: '" + template + "'");
            }
        }
        if (template.startsWith("/") || template.contains("..")) {
            throw new IllegalArgumentException(name + " must be a relative path below hls_path without '..': '" + template + "'");
        }
    }

    /** The template with the stream's (and segment's) values; {@code seq}/{@code timestamp} may be -1 for a playlist. */
    static String render(String template, StreamKey key, long seq, long timestamp) {
        return template.replace("[vhost]", key.vhost())
                .replace("[app]", key.app())
                .replace("[stream]", key.stream())
                .replace("[seq]", Long.toString(seq))
                .replace("[timestamp]", Long.toString(timestamp));
    }

    /**
     * A matcher for request paths (without the leading '/') against a playlist template: groups
     * {@code vhost}, {@code app} and {@code stream} (vhost only when the template has it).
     */
    static Pattern pattern(String template) {
        StringBuilder re = new StringBuilder();
        Matcher m = VARIABLE.matcher(template);
        int last = 0;
        boolean[] seen = new boolean[3];
        while (m.find()) {
            re.append(Pattern.quote(template.substring(last, m.start())));
            String v = m.group(1);
            int i = v.equals("vhost") ? 0 : v.equals("app") ? 1 : v.equals("stream") ? 2 : -1;
            if (i >= 0 && !seen[i]) {
                seen[i] = true;
                re.append("(?<").append(v).append(">[^/]+)");
            } else if (i >= 0) {
                re.append("\\k<").append(v).append('>');
            } else {
                re.append("[^/]*");
            }
            last = m.end();
        }
        re.append(Pattern.quote(template.substring(last)));
        return Pattern.compile(re.toString());
    }
}
