package org.fluvia.config.srs;

import java.io.PrintStream;
import java.nio.file.Path;

/** Tests a configuration file the way {@code fluvia -t -c FILE} (and {@code srs -t}) does. */
public final class SrsConfigCheck {

    private SrsConfigCheck() {
    }

    /**
     * Parses and translates {@code file}, printing warnings and the verdict.
     *
     * @return 0 when the file is usable, 1 when it is not
     */
    public static int check(Path file, PrintStream out, PrintStream err) {
        try {
            Translation translation = SrsTranslator.translate(SrsConfigParser.parse(file));
            for (String warning : translation.warnings()) {
                err.println("warn: " + warning);
            }
        } catch (SrsConfigException e) {
            err.println("fluvia: config file " + file + " test failed: " + e.getMessage());
            return 1;
        }
        out.println("fluvia: the config file " + file + " syntax is ok");
        out.println("fluvia: config file " + file + " test is successful");
        return 0;
    }

    /** Command line: {@code -t -c FILE} (in either order); exits with {@link #check}'s result. */
    public static void main(String[] args) {
        Path file = null;
        boolean test = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-t")) {
                test = true;
            } else if (args[i].equals("-c") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else {
                file = null;
                break;
            }
        }
        if (!test || file == null) {
            System.err.println("usage: SrsConfigCheck -t -c FILE   (tests an SRS configuration file)");
            System.exit(2);
        }
        System.exit(check(file, System.out, System.err));
    }
}
