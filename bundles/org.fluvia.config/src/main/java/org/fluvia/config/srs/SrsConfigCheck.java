package org.fluvia.config.srs;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

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
        return check(file, Map.of(), out, err);
    }

    /**
     * Like {@link #check(Path, PrintStream, PrintStream)} with the {@code SRS_*} variables of
     * {@code env} over the file, as the node will run it.
     */
    public static int check(Path file, Map<String, String> env, PrintStream out, PrintStream err) {
        return report("config file " + file, () -> SrsConfigParser.parse(file).withEnvironment(env), out, err);
    }

    /** {@code fluvia -t -e}: tests the configuration made from the environment alone. */
    public static int checkEnvironment(Map<String, String> env, PrintStream out, PrintStream err) {
        return report("the environment config (SRS_*)", () -> SrsConfig.fromEnvironment(env), out, err);
    }

    private interface Source {
        SrsConfig read() throws SrsConfigException;
    }

    private static int report(String what, Source source, PrintStream out, PrintStream err) {
        try {
            Translation translation = SrsTranslator.translate(source.read());
            for (String warning : translation.warnings()) {
                err.println("warn: " + warning);
            }
        } catch (SrsConfigException e) {
            err.println("fluvia: " + what + " test failed: " + e.getMessage());
            return 1;
        } catch (RuntimeException | StackOverflowError e) {
            err.println("fluvia: " + what + " test failed: " + e);
            return 1;
        }
        String syntax = what.startsWith("config file ") ? "the " + what : what;
        out.println("fluvia: " + syntax + " syntax is ok");
        out.println("fluvia: " + what + " test is successful");
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
