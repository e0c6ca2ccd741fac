package io.bucketdns.config;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One file's values read against the {@link Schema}: each typed getter finds the key's row, takes
 * the file's value or the row's default, checks it against the row's type and range, and names
 * the file, line and key in any error. Every value it hands out is also recorded as a {@link
 * Setting}, so that {@code bucketdns config} and reload decisions see exactly what was used.
 */
final class Values {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");

    private final Ini ini;
    private final Path file;
    private final Map<String, Setting> used = new LinkedHashMap<>();

    Values(Ini ini) {
        this.ini = ini;
        this.file = ini.file();
    }

    Path file() {
        return file;
    }

    Ini ini() {
        return ini;
    }

    /** Every value read so far, defaults included, in the order read. */
    List<Setting> settings() {
        return List.copyOf(used.values());
    }

    /** The row of a key as it may appear in {@code section} (a {@code [zone.NAME]} key is its home section's row). */
    Key row(String section, String key) {
        Schema.Section s = Schema.section(section).orElseThrow(() -> new IllegalArgumentException("undeclared section " + section));
        Key k = Schema.keys(s).get(key);
        if (k == null) {
            throw new IllegalArgumentException("undeclared key " + section + "." + key);
        }
        return k;
    }

    /** The raw text of a key: the file's, or the row's default. */
    String get(String section, String key) {
        return read(section, key, false);
    }

    /**
     * An empty value in the file means the default for the scalar kinds, as it always did for
     * most of them ({@code rgw_tls_verify =} is verification on); a {@link Type.Text} key keeps
     * it, where empty means off ({@code listen_addr =}).
     */
    private String scalar(String section, String key) {
        return read(section, key, true);
    }

    private String read(String section, String key, boolean emptyIsDefault) {
        Key row = row(section, key);
        Ini.Entry e = entry(section, key);
        boolean given = e != null && !(emptyIsDefault && e.value().isEmpty());
        String value = given ? e.value() : row.defaultValue();
        used.putIfAbsent(section + "." + key, new Setting(row, section, value, given ? e.line() : 0, null));
        return value;
    }

    /** Records that a value was read from somewhere beside the file too (a CA file's certificates), for reload decisions. */
    void content(String section, String key, String content) {
        Setting s = used.get(section + "." + key);
        used.put(section + "." + key, new Setting(s.key(), s.section(), s.value(), s.line(), content));
    }

    /**
     * Where a zone's value of a per-zone key comes from: its {@code [zone.NAME]} section when it
     * sets the key, else the key's home section.
     */
    String where(String zoneSection, String key) {
        return has(zoneSection, key) ? zoneSection : row(zoneSection, key).section();
    }

    boolean has(String section, String key) {
        return entry(section, key) != null;
    }

    Ini.Entry entry(String section, String key) {
        Map<String, Ini.Entry> s = ini.sections().get(section);
        return s == null ? null : s.get(key);
    }

    /** A comma-separated value's items, blanks dropped. */
    List<String> list(String section, String key) {
        List<String> out = new ArrayList<>();
        for (String s : get(section, key).split(",")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    long whole(String section, String key) {
        return typed(section, key, Type.Whole.class, (t, raw, example) -> t.parse(raw, example));
    }

    Duration span(String section, String key) {
        return typed(section, key, Type.Span.class, (t, raw, example) -> t.parse(raw, example));
    }

    boolean flag(String section, String key) {
        return typed(section, key, Type.Flag.class, (t, raw, example) -> t.parse(raw));
    }

    /** One of the row's choices, lowercase and with aliases resolved. */
    String choice(String section, String key) {
        return typed(section, key, Type.OneOf.class, (t, raw, example) -> t.parse(raw));
    }

    private interface Parse<T extends Type, V> {
        V parse(T type, String raw, String example) throws Type.Invalid;
    }

    private <T extends Type, V> V typed(String section, String key, Class<T> type, Parse<T, V> parse) {
        Key row = row(section, key);
        try {
            return parse.parse(type.cast(row.type()), scalar(section, key), row.defaultValue());
        } catch (Type.Invalid e) {
            throw error(section, key, e.problem());
        }
    }

    /**
     * Reads a key as its type says, so that a bad value is refused at load even when its
     * consumer only reads it later through {@link BucketDnsConfig#duration} and its kin.
     */
    void check(String section, String key) {
        switch (row(section, key).type()) {
            case Type.Whole w -> whole(section, key);
            case Type.Span d -> span(section, key);
            case Type.Flag f -> flag(section, key);
            case Type.OneOf o -> choice(section, key);
            case Type.Text t -> get(section, key);
        }
    }

    /** A path as written in the config: relative ones are taken from the config file's directory. */
    Path besideConfig(String value) {
        Path base = file == null || file.toAbsolutePath().getParent() == null ? Path.of("") : file.toAbsolutePath().getParent();
        return base.resolve(value).toAbsolutePath().normalize();
    }

    /**
     * A file bucketdns writes, relative to the config file: its directory must exist and it must not
     * be a directory, which startup checks rather than the first write, long after.
     *
     * @param example a path to suggest when it names a directory
     */
    Path fileToWrite(String section, String key, String value, String example) {
        Path path = besideConfig(value);
        if (path.getParent() == null || !Files.isDirectory(path.getParent())) {
            throw error(section, key, "directory " + path.getParent() + " does not exist",
                    "create it, or name a file in an existing directory (relative to the config file)");
        }
        if (Files.isDirectory(path)) {
            throw error(section, key, path + " is a directory", "name a file, e.g. " + key + " = " + example);
        }
        return path;
    }

    /** A lowercase DNS name without trailing dot, or an error naming the key. */
    String hostname(String section, String key, String value) {
        String v = value.endsWith(".") ? value.substring(0, value.length() - 1) : value;
        String fix = "write a DNS name such as o.example.com";
        if (v.isEmpty() || v.length() > 253) {
            throw error(section, key, "'" + value + "' is not a DNS name (1 to 253 characters)", fix);
        }
        for (String label : v.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw error(section, key, "'" + value + "' is not a DNS name (label '" + label + "')", fix);
            }
        }
        return v.toLowerCase(Locale.ROOT);
    }

    InetSocketAddress socketAddress(String section, String key, String value) {
        int colon = value.lastIndexOf(':');
        String fix = "write host:port, e.g. 127.0.0.1:5300 or [::1]:5300";
        if (colon <= 0) {
            throw error(section, key, "'" + value + "' has no port", fix);
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw error(section, key, "'" + value + "' has no numeric port", fix);
        }
        if (port < 0 || port > 65535) {
            throw error(section, key, "port " + port + " is outside 0..65535", fix);
        }
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.isUnresolved()) {
            throw error(section, key, "'" + host + "' is not an address of this machine", fix);
        }
        return a;
    }

    ConfigException error(String section, String key, Type.Problem problem) {
        return error(section, key, problem.what(), problem.fix());
    }

    ConfigException error(String section, String key, String problem, String fix) {
        Ini.Entry e = entry(section, key);
        int line = e != null ? e.line() : ini.sectionLine(section);
        return new ConfigException(file, line, "[" + section + "] " + key + ": " + problem, fix);
    }

    /** An error about a whole section, at its header line. */
    ConfigException sectionError(String section, String problem, String fix) {
        return new ConfigException(file, ini.sectionLine(section), problem, fix);
    }
}
