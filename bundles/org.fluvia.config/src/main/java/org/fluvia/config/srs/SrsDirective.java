package org.fluvia.config.srs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One directive of an SRS configuration: a name, its arguments and, for a block, its children. */
public final class SrsDirective {

    private final String name;
    private final List<String> args;
    private final List<SrsDirective> children = new ArrayList<>();
    private final List<SrsDirective> childrenView = Collections.unmodifiableList(children);
    private final boolean block;
    private final String file;
    private final int line;

    SrsDirective(String name, List<String> args, boolean block, String file, int line) {
        this.name = name;
        this.args = List.copyOf(args);
        this.block = block;
        this.file = file;
        this.line = line;
    }

    static SrsDirective root(String file) {
        return new SrsDirective("", List.of(), true, file, 0);
    }

    void add(SrsDirective child) {
        children.add(child);
    }

    /** Inserts {@code child} at {@code index} (clamped to the end). */
    void add(int index, SrsDirective child) {
        children.add(Math.min(Math.max(index, 0), children.size()), child);
    }

    /** Removes {@code child} (by identity); returns its index, or -1 when it was not a child. */
    int remove(SrsDirective child) {
        for (int i = 0; i < children.size(); i++) {
            if (children.get(i) == child) {
                children.remove(i);
                return i;
            }
        }
        return -1;
    }

    /** A deep copy: the same directives, in new blocks that can be changed independently. */
    SrsDirective copy() {
        SrsDirective c = new SrsDirective(name, args, block, file, line);
        for (SrsDirective child : children) {
            c.children.add(child.copy());
        }
        return c;
    }

    /** The directive's name; empty for the synthetic root. */
    public String name() {
        return name;
    }

    public List<String> args() {
        return args;
    }

    /** The i-th argument (0-based), or null if there are not that many. */
    public String arg(int i) {
        return i >= 0 && i < args.size() ? args.get(i) : null;
    }

    /** The directives inside this block, in file order, with includes already spliced in. */
    public List<SrsDirective> children() {
        return childrenView;
    }

    /** The first child with this name, or null. */
    public SrsDirective child(String childName) {
        for (SrsDirective c : children) {
            if (c.name.equals(childName)) {
                return c;
            }
        }
        return null;
    }

    /** All children with this name, in file order. */
    public List<SrsDirective> children(String childName) {
        List<SrsDirective> found = new ArrayList<>();
        for (SrsDirective c : children) {
            if (c.name.equals(childName)) {
                found.add(c);
            }
        }
        return Collections.unmodifiableList(found);
    }

    /** True when written as {@code name args { ... }}, even if the braces are empty. */
    public boolean isBlock() {
        return block;
    }

    /** The file the directive was read from (an included file for included directives). */
    public String file() {
        return file;
    }

    /** The 1-based line of the directive's name; 0 for the synthetic root. */
    public int line() {
        return line;
    }

    /** "file:line", for messages. */
    String location() {
        return SrsConfigException.location(file, line);
    }

    @Override
    public String toString() {
        return location() + ": " + name + (args.isEmpty() ? "" : " " + String.join(" ", args))
                + (block ? " {" + children.size() + " children}" : ";");
    }
}
