package io.bucketdns.config;

import java.nio.file.Path;

/**
 * A configuration an operator must fix. {@link #getMessage()} is one line that names the file,
 * the line, what is wrong and how to fix it; it never contains a secret.
 */
public final class ConfigException extends RuntimeException {
    private final transient Path file;
    private final int line;

    /**
     * @param file the file at fault; null for command-line arguments
     * @param line 1-based line number; 0 when the problem is not on one line
     * @param problem what is wrong
     * @param fix what to do about it
     */
    public ConfigException(Path file, int line, String problem, String fix) {
        super(location(file, line) + problem + (fix == null || fix.isEmpty() ? "" : "; fix: " + fix));
        this.file = file;
        this.line = line;
    }

    /** The file at fault, or null. */
    public Path file() {
        return file;
    }

    /** The 1-based line at fault, or 0. */
    public int line() {
        return line;
    }

    private static String location(Path file, int line) {
        if (file == null) {
            return "";
        }
        return file + (line > 0 ? ":" + line : "") + ": ";
    }
}
