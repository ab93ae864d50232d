package org.fluvia.console.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.fluvia.media.api.Client;
import org.fluvia.media.api.Stream;

/** Text helpers shared by the Web Console page and the Gogo commands. */
final class Format {

    private Format() {
    }

    /** Escapes text for HTML element content and double-quoted attribute values. */
    static String html(Object value) {
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** The stream's source as "publish: description", "pull: description" or "-" while none. */
    static String source(Stream s) {
        if (!s.isPublished() || s.sourceKind() == null) {
            return "-";
        }
        String d = s.sourceDescription();
        return s.sourceKind().name().toLowerCase(java.util.Locale.ROOT) + (d == null || d.isBlank() ? "" : ": " + d);
    }

    static String role(Client c) {
        return c.role() == null ? "-" : c.role().name().toLowerCase(java.util.Locale.ROOT);
    }

    static String stream(Client c) {
        return c.stream() == null ? "-" : c.stream().toString();
    }

    /** Host:port entries from a free-form list: commas, semicolons and whitespace separate them. */
    static List<String> endpoints(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String s : text.split("[,;\\s]+")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    /** A configuration property that may be a String, a String[] or a collection, as a list. */
    static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof String[] a) {
            return Arrays.asList(a);
        }
        if (value instanceof Iterable<?> it) {
            List<String> out = new ArrayList<>();
            it.forEach(o -> out.add(String.valueOf(o)));
            return out;
        }
        return List.of(String.valueOf(value));
    }

    /** Fixed-width text table: the first row is the header. */
    static String table(List<String[]> rows) {
        if (rows.isEmpty()) {
            return "";
        }
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                b.append(r[i]);
                if (i < r.length - 1) {
                    b.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            b.append(System.lineSeparator());
        }
        return b.toString();
    }
}
