package org.fluvia.config.srs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/** Parses SRS's nginx-like configuration syntax, following includes, into an {@link SrsConfig}. */
public final class SrsConfigParser {

    /** Largest file accepted; SRS configs are a few KiB, so anything bigger is the wrong file. */
    public static final int MAX_FILE_BYTES = 4 * 1024 * 1024;
    /** Includes of includes can multiply the input; this caps the sum over all files read. */
    public static final long MAX_TOTAL_BYTES = 4L * MAX_FILE_BYTES;
    /** Deepest nesting of blocks, and separately of includes. */
    public static final int MAX_DEPTH = 32;
    /** Longest single word or quoted value; longer usually means a missing closing quote. */
    public static final int MAX_TOKEN_CHARS = 8192;

    /** What a missing ';' may be followed by for the seed's leniency: a plain directive name. */
    private static final Pattern DIRECTIVE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private SrsConfigParser() {
    }

    /** Parses {@code file}; includes are resolved relative to the including file's directory. */
    public static SrsConfig parse(Path file) throws SrsConfigException {
        Session session = new Session();
        String display = file.toString();
        String text = session.read(file, display, null, 0);
        return session.parseTop(text, display, file, parentOf(file));
    }

    /**
     * Parses {@code text} as if it were the file {@code fileName} (used in messages only);
     * includes are resolved relative to the working directory.
     */
    public static SrsConfig parse(String text, String fileName) throws SrsConfigException {
        if (text.length() > MAX_FILE_BYTES) {
            throw new SrsConfigException(fileName, 0, tooBig());
        }
        Session session = new Session();
        session.totalBytes = text.length();
        Path asPath;
        try {
            asPath = Path.of(fileName);
        } catch (InvalidPathException e) {
            asPath = Path.of("unnamed.conf"); // only used to detect an include of itself
        }
        return session.parseTop(text, fileName, asPath, Path.of(""));
    }

    private static Path parentOf(Path file) {
        Path parent = file.getParent();
        return parent == null ? Path.of("") : parent;
    }

    private static String tooBig() {
        return "the file is larger than " + (MAX_FILE_BYTES >> 20)
                + " MiB (an SRS config is a few KiB; check that the right file was given)";
    }

    /** State of one parse: warnings so far, the include chain for cycle detection, bytes read. */
    private static final class Session {
        final List<String> warnings = new ArrayList<>();
        final Deque<Path> includeKeys = new ArrayDeque<>();
        final Deque<String> includeNames = new ArrayDeque<>();
        long totalBytes;

        SrsConfig parseTop(String text, String display, Path path, Path baseDir)
                throws SrsConfigException {
            SrsDirective root = SrsDirective.root(display);
            includeKeys.push(key(path));
            includeNames.push(display);
            parseStatements(new Lexer(text, display), root, 0, baseDir, false);
            return new SrsConfig(root, warnings);
        }

        /** Reads a whole file, refusing more than the limit without reading it all first. */
        String read(Path path, String display, String includerFile, int includerLine)
                throws SrsConfigException {
            byte[] data;
            try (InputStream in = Files.newInputStream(path)) {
                data = in.readNBytes(MAX_FILE_BYTES + 1);
            } catch (IOException e) {
                String why = e instanceof NoSuchFileException ? "no such file"
                        : e instanceof AccessDeniedException ? "permission denied"
                        : String.valueOf(e.getMessage());
                if (includerFile == null) {
                    throw new SrsConfigException(display, 0,
                            "cannot read the config file: " + why + " (check the path)", e);
                }
                throw new SrsConfigException(includerFile, includerLine,
                        "cannot read included file '" + display + "': " + why
                                + " (include paths are relative to the including file's directory)",
                        e);
            }
            if (data.length > MAX_FILE_BYTES) {
                throw new SrsConfigException(display, 0, tooBig());
            }
            totalBytes += data.length;
            if (totalBytes > MAX_TOTAL_BYTES) {
                throw new SrsConfigException(includerFile == null ? display : includerFile,
                        includerLine, "the config and its includes exceed "
                                + (MAX_TOTAL_BYTES >> 20) + " MiB in total (is a file included many times?)");
            }
            return new String(data, StandardCharsets.UTF_8);
        }

        /**
         * Parses directives into {@code parent} until end of input ({@code inBlock} false) or the
         * '}' closing {@code parent} ({@code inBlock} true).
         */
        void parseStatements(Lexer lx, SrsDirective parent, int depth, Path baseDir, boolean inBlock)
                throws SrsConfigException {
            while (true) {
                Token t = lx.next();
                switch (t.kind) {
                    case EOF -> {
                        if (inBlock) {
                            throw new SrsConfigException(parent.file(), parent.line(),
                                    "block '" + parent.name() + "' opened here is not closed at the end"
                                            + " of the file (add the missing '}')");
                        }
                        return;
                    }
                    case CLOSE -> {
                        if (inBlock) {
                            return;
                        }
                        throw lx.error(t.line, "unexpected '}' with no open block"
                                + " (remove it, or add the missing '{')");
                    }
                    case SEMICOLON -> throw lx.error(t.line,
                            "unexpected ';' with no directive before it (remove it)");
                    case OPEN -> throw lx.error(t.line,
                            "'{' without a directive name (write the block's name before it)");
                    case WORD -> parseDirective(lx, t, parent, depth, baseDir);
                    default -> throw new IllegalStateException(t.kind.name());
                }
            }
        }

        private void parseDirective(Lexer lx, Token name, SrsDirective parent, int depth, Path baseDir)
                throws SrsConfigException {
            List<String> args = new ArrayList<>();
            int lastLine = name.line;
            while (true) {
                Token t = lx.next();
                if (t.line > lastLine && t.kind != Kind.SEMICOLON && t.kind != Kind.OPEN
                        && t.kind != Kind.EOF && lx.startsNewStatement(t)) {
                    warnings.add(SrsConfigException.location(lx.file, name.line) + ": directive '"
                            + name.text + "' is not terminated by ';' (accepted; SRS itself rejects this)");
                    lx.pushBack(t);
                    finishLeaf(new SrsDirective(name.text, args, false, lx.file, name.line), parent,
                            baseDir, depth);
                    return;
                }
                switch (t.kind) {
                    case WORD -> {
                        args.add(t.text);
                        lastLine = t.line;
                    }
                    case SEMICOLON -> {
                        finishLeaf(new SrsDirective(name.text, args, false, lx.file, name.line), parent,
                                baseDir, depth);
                        return;
                    }
                    case OPEN -> {
                        if (depth >= MAX_DEPTH) {
                            throw lx.error(t.line, "blocks are nested deeper than " + MAX_DEPTH
                                    + " levels (is a '}' missing?)");
                        }
                        if (name.text.equals("include")) {
                            throw lx.error(name.line, "'include' takes file names, not a block"
                                    + " (write: include FILE;)");
                        }
                        SrsDirective block = new SrsDirective(name.text, args, true, lx.file, name.line);
                        parent.add(block);
                        parseStatements(lx, block, depth + 1, baseDir, true);
                        return;
                    }
                    case CLOSE -> throw lx.error(name.line, "directive '" + name.text
                            + "' is not terminated by ';' (add ';' before the '}')");
                    case EOF -> throw lx.error(name.line, "directive '" + name.text
                            + "' is not terminated by ';' at the end of the file (add ';')");
                    default -> throw new IllegalStateException(t.kind.name());
                }
            }
        }

        private void finishLeaf(SrsDirective d, SrsDirective parent, Path baseDir, int depth)
                throws SrsConfigException {
            if (!d.name().equals("include")) {
                parent.add(d);
                return;
            }
            if (d.args().isEmpty()) {
                throw new SrsConfigException(d.file(), d.line(),
                        "'include' needs a file name (write: include FILE;)");
            }
            for (String arg : d.args()) {
                include(d, arg, parent, baseDir, depth);
            }
        }

        /** Splices the directives of an included file into {@code parent}, as SRS does. */
        private void include(SrsDirective d, String arg, SrsDirective parent, Path baseDir, int depth)
                throws SrsConfigException {
            Path path;
            try {
                path = baseDir.resolve(arg).normalize();
            } catch (InvalidPathException e) {
                throw new SrsConfigException(d.file(), d.line(), "'" + arg
                        + "' is not a valid file name for 'include' (check the path)");
            }
            String display = path.toString();
            Path key = key(path);
            if (includeKeys.contains(key)) {
                List<String> chain = new ArrayList<>(includeNames);
                java.util.Collections.reverse(chain);
                chain.add(display);
                throw new SrsConfigException(d.file(), d.line(), "include cycle: "
                        + String.join(" -> ", chain) + " (remove one of these includes)");
            }
            if (includeKeys.size() > MAX_DEPTH) {
                throw new SrsConfigException(d.file(), d.line(), "includes are nested deeper than "
                        + MAX_DEPTH + " levels (flatten the includes)");
            }
            String text = read(path, display, d.file(), d.line());
            includeKeys.push(key);
            includeNames.push(display);
            try {
                parseStatements(new Lexer(text, display), parent, depth, parentOf(path), false);
            } finally {
                includeKeys.pop();
                includeNames.pop();
            }
        }

        /** Identity of a file for cycle detection: symlinks and "a/../b" name the same file. */
        private static Path key(Path path) {
            try {
                return path.toRealPath();
            } catch (IOException e) {
                return path.toAbsolutePath().normalize();
            }
        }
    }

    private enum Kind { WORD, SEMICOLON, OPEN, CLOSE, EOF }

    private record Token(Kind kind, String text, int line, boolean quoted) {
    }

    /** Splits text into words, quoted values, ';', '{' and '}', dropping '#' comments. */
    private static final class Lexer {
        final String text;
        final String file;
        int pos;
        int line = 1;
        Token pushed;

        Lexer(String text, String file) {
            this.text = text;
            this.file = file;
        }

        SrsConfigException error(int atLine, String problem) {
            return new SrsConfigException(file, atLine, problem);
        }

        void pushBack(Token t) {
            pushed = t;
        }

        Token next() throws SrsConfigException {
            if (pushed != null) {
                Token t = pushed;
                pushed = null;
                return t;
            }
            skipBlanksAndComments();
            if (pos >= text.length()) {
                return new Token(Kind.EOF, "", line, false);
            }
            char c = text.charAt(pos);
            switch (c) {
                case ';':
                    pos++;
                    return new Token(Kind.SEMICOLON, ";", line, false);
                case '{':
                    pos++;
                    return new Token(Kind.OPEN, "{", line, false);
                case '}':
                    pos++;
                    return new Token(Kind.CLOSE, "}", line, false);
                case '"':
                case '\'':
                    return quoted(c);
                default:
                    return word();
            }
        }

        /**
         * Whether {@code t}, the first token on a line after an unterminated directive, begins a
         * statement of its own: '}' or "name args;" / "name args {" all on that line. A plain
         * continuation line such as "b:1946;" is not, so multi-line argument lists still work.
         */
        boolean startsNewStatement(Token t) throws SrsConfigException {
            if (t.kind == Kind.CLOSE) {
                return true;
            }
            if (t.kind != Kind.WORD || t.quoted || !DIRECTIVE_NAME.matcher(t.text).matches()) {
                return false;
            }
            int savedPos = pos;
            int savedLine = line;
            try {
                int words = 0;
                while (true) {
                    Token n = next();
                    if (n.line != t.line) {
                        return false;
                    }
                    switch (n.kind) {
                        case WORD -> words++;
                        case SEMICOLON -> {
                            return words > 0;
                        }
                        case OPEN -> {
                            return true;
                        }
                        default -> {
                            return false;
                        }
                    }
                }
            } catch (SrsConfigException e) {
                return false; // the real parse will report it with its own line
            } finally {
                pos = savedPos;
                line = savedLine;
            }
        }

        private void skipBlanksAndComments() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == '\n') {
                    line++;
                    pos++;
                } else if (Character.isWhitespace(c)) {
                    pos++;
                } else if (c == '#') {
                    while (pos < text.length() && text.charAt(pos) != '\n') {
                        pos++;
                    }
                } else {
                    return;
                }
            }
        }

        private Token quoted(char quote) throws SrsConfigException {
            int startLine = line;
            StringBuilder sb = new StringBuilder();
            pos++;
            while (true) {
                if (pos >= text.length()) {
                    throw error(startLine, "quoted value is not closed (add the closing " + quote + ")");
                }
                char c = text.charAt(pos);
                if (c == '\\' && pos + 1 < text.length()
                        && (text.charAt(pos + 1) == quote || text.charAt(pos + 1) == '\\')) {
                    sb.append(text.charAt(pos + 1));
                    pos += 2;
                } else if (c == quote) {
                    pos++;
                    return new Token(Kind.WORD, sb.toString(), startLine, true);
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    sb.append(c);
                    pos++;
                }
                if (sb.length() > MAX_TOKEN_CHARS) {
                    throw error(startLine, "quoted value is longer than " + MAX_TOKEN_CHARS
                            + " characters (is its closing " + quote + " missing?)");
                }
            }
        }

        private Token word() throws SrsConfigException {
            int start = pos;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (Character.isWhitespace(c) || c == ';' || c == '{' || c == '}') {
                    break;
                }
                pos++;
                if (pos - start > MAX_TOKEN_CHARS) {
                    throw error(line, "value is longer than " + MAX_TOKEN_CHARS
                            + " characters (is a ';' or a line break missing?)");
                }
            }
            return new Token(Kind.WORD, text.substring(start, pos), line, false);
        }
    }
}
