package org.fluvia.config.srs;

/** A problem in an SRS configuration file, located by file and line. */
public class SrsConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;

    /**
     * @param file the file as the user named it (or as an include resolved it)
     * @param line 1-based line, or 0 when the problem concerns the whole file
     * @param problem what was wrong, followed by what to do in parentheses
     */
    public SrsConfigException(String file, int line, String problem) {
        this(file, line, problem, null);
    }

    public SrsConfigException(String file, int line, String problem, Throwable cause) {
        super(location(file, line) + ": " + problem, cause);
        this.file = file;
        this.line = line;
    }

    public String file() {
        return file;
    }

    /** The 1-based line, or 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }

    static String location(String file, int line) {
        return line > 0 ? file + ":" + line : file;
    }
}
