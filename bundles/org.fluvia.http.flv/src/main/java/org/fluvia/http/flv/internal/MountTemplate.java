package org.fluvia.http.flv.internal;

import org.fluvia.media.api.StreamKey;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SRS's {@code http_remux.mount} for one vhost, e.g. {@code [vhost]/[app]/[stream].flv}: matches
 * request paths to stream keys. For the default vhost {@code [vhost]/} drops out, as in SRS.
 */
final class MountTemplate {

    private final String vhost;
    private final Pattern pattern;
    private final int appGroup;
    private final int streamGroup;

    MountTemplate(String vhost, String mount) {
        this.vhost = vhost;
        String m = mount.trim();
        if (!m.contains("[app]") || !m.contains("[stream]")) {
            throw new IllegalArgumentException("mount '" + mount + "' must contain [app] and [stream]");
        }
        if (StreamKey.DEFAULT_VHOST.equals(vhost)) {
            m = m.replace("[vhost]/", "").replace("[vhost]", "");
        } else {
            m = m.replace("[vhost]", vhost);
        }
        if (!m.startsWith("/")) {
            m = "/" + m;
        }
        StringBuilder regex = new StringBuilder("^");
        int app = 0;
        int stream = 0;
        int group = 0;
        int i = 0;
        while (i < m.length()) {
            if (m.startsWith("[app]", i)) {
                regex.append("(.+?)");
                app = ++group;
                i += 5;
            } else if (m.startsWith("[stream]", i)) {
                regex.append("([^/]+?)");
                stream = ++group;
                i += 8;
            } else {
                regex.append(Pattern.quote(String.valueOf(m.charAt(i))));
                i++;
            }
        }
        regex.append('$');
        this.pattern = Pattern.compile(regex.toString());
        this.appGroup = app;
        this.streamGroup = stream;
    }

    /** The stream a request path asks for, or null when the path is not this mount's. */
    StreamKey match(String path) {
        Matcher matcher = pattern.matcher(path);
        if (!matcher.matches()) {
            return null;
        }
        String app = matcher.group(appGroup);
        String stream = matcher.group(streamGroup);
        if (app.isEmpty() || stream.isEmpty()) {
            return null;
        }
        return new StreamKey(vhost, app, stream);
    }

    @Override
    public String toString() {
        return pattern.pattern();
    }
}
