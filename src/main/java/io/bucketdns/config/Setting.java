package io.bucketdns.config;

/**
 * One value in force: a key, where it was set, and what it is.
 *
 * @param key its row in the {@link Schema}
 * @param section the section of the file it belongs to ({@code zone.o.example.com} for a
 *     per-zone override)
 * @param value the text in force: the file's, or the row's default
 * @param line the line that set it; 0 for a default
 * @param content for a key naming a file that is read at load (a CA file), a digest of what was
 *     read, so that a reload sees a changed file; null otherwise
 */
public record Setting(Key key, String section, String value, int line, String content) {
    /** The value as {@code bucketdns config} and logs may show it: secrets masked. */
    public String shown() {
        return key.secret() && !value.isEmpty() ? "***" : value;
    }

    @Override
    public String toString() {
        return id() + " = " + shown() + (line == 0 ? " (default)" : " (line " + line + ")");
    }

    /** {@code section.key}, the setting's identity across two configs. */
    public String id() {
        return section + "." + key.name();
    }
}
