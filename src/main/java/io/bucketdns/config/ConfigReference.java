package io.bucketdns.config;

import java.util.List;

/**
 * docs/CONFIGURATION.md, made from the {@link Schema}'s rows ({@code bucketdns config
 * --reference}); {@code ConfigReferenceTest} fails when the committed page and the rows differ, so
 * the reference cannot drift from what the loader accepts.
 */
public final class ConfigReference {
    private ConfigReference() {}

    /** The whole page, Markdown. */
    public static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("""
                # Configuration reference

                Every key of `rgw-pdns.conf`, one row each. This page is generated from the config schema
                (`bucketdns config --reference`, from `src/main/java/io/bucketdns/config/Schema.java`): the loader,
                its error messages and this page read the same rows. `bucketdns config` prints the values in force
                in a given file, defaults included, and the line that set each.

                ## The file

                INI, read so that an existing `rgw-pdns.conf` (written for Python's ConfigParser) works unchanged:
                `[section]` headers; `key = value` or `key: value`, keys case-insensitive; whole-line comments
                starting with `#` or `;`; inline comments, a `;` or `#` after whitespace (so a value cannot contain
                ` ;` or ` #`); continuation lines, indented deeper than their key, joined with a space. A section or a key
                given twice is an error naming both lines, as in ConfigParser's default strict mode. Unlike
                ConfigParser, values are literal (no `%` interpolation) and `[DEFAULT]` is not special. An unknown
                key in a known section is an error; an unknown section is a warning. Without `--config` the seed's
                search path is used: `./rgw-pdns.conf`, `~/rgw-pdns.conf`, `/etc/ceph/rgw-pdns.conf`.

                Durations are a number and a unit: `500ms`, `30s`, `5m`, `1h`, `2d` (a bare number is seconds).
                An empty value means the default for numbers, durations, booleans and choices; for the other keys
                it means unset. Relative paths are taken from the config file's directory.

                A reload (`SIGHUP`, `systemctl reload bucketdns`, `bucketdns reload`, `POST /reload`) validates
                the file first: a bad one is refused and the old config keeps serving. The *reload* column says
                what a changed value costs:

                """);
        for (Reload r : Reload.values()) {
            out.append("- ").append(r.name().toLowerCase(java.util.Locale.ROOT)).append(": ").append(r.effect()).append(".\n");
        }
        out.append("\nKeys marked *seed* are those of Ceph's `pdns-backend-rgw`, with its meanings and defaults;")
                .append(" keys marked *per zone* may also be set in a `[zone.NAME]` section.\n");
        for (Schema.Section s : Schema.SECTIONS) {
            out.append("\n## [").append(s.name()).append("]\n\n").append(s.doc()).append("\n\n");
            out.append("| key | value | default | reload | what |\n|---|---|---|---|---|\n");
            List<Key> keys = Schema.keysOf(s.name());
            for (Key k : keys) {
                out.append("| `").append(k.name()).append("` | ")
                        .append(k.list() ? "comma-separated list, each a " + k.type().describe() : k.type().describe()).append(" | ")
                        .append(k.defaultValue().isEmpty() ? "unset" : "`" + k.defaultValue() + "`").append(" | ")
                        .append(k.reload().name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
                        .append(marks(k, s)).append(k.doc().replace("|", "\\|")).append(" |\n");
            }
        }
        return out.toString();
    }

    private static String marks(Key k, Schema.Section shownIn) {
        if (shownIn.name().equals("zone.NAME")) {
            return "overrides [" + k.section() + "] " + k.name() + ": ";
        }
        String m = (k.seed() ? "*seed* " : "") + (k.perZone() ? "*per zone* " : "");
        return m.isEmpty() ? "" : m.strip() + ": ";
    }
}
