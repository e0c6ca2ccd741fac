package io.bucketdns.config;

import java.util.Objects;

/**
 * One configuration key, declared once in {@link Schema}: parsing, defaults, range errors, the
 * unknown-key check, reload decisions and the configuration reference all read this row.
 *
 * @param section the section it lives in, e.g. {@code catalog}; {@code zonegroup.*} for the
 *     per-zonegroup sections
 * @param name the key, lowercase
 * @param type its kind and range
 * @param defaultValue the value when the key is absent, as it would be written in the file; empty
 *     for "unset" (the doc says what unset means)
 * @param list a comma-separated list of values of {@code type}
 * @param reload what a reload must redo when the value changed
 * @param perZone may also be set in a {@code [zone.NAME]} section, for that zone alone
 * @param secret never printed: {@code bucketdns config} and logs show {@code ***}
 * @param seed one of the seed's {@code [powerdns]} keys, with the seed's meaning and default
 * @param doc one line for the reference: what it does and why one would change it
 */
public record Key(String section, String name, Type type, String defaultValue, boolean list, Reload reload, boolean perZone,
        boolean secret, boolean seed, String doc) {
    public Key {
        Objects.requireNonNull(section);
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        Objects.requireNonNull(defaultValue);
        Objects.requireNonNull(reload);
        Objects.requireNonNull(doc);
    }

    /** {@code [section] name}, as error messages and the reference name it. */
    public String id() {
        return section + "." + name;
    }

    /** A key of one value, not per zone, not secret, not the seed's. */
    static Key of(String section, String name, Type type, String defaultValue, Reload reload, String doc) {
        return new Key(section, name, type, defaultValue, false, reload, false, false, false, doc);
    }

    Key listed() {
        return new Key(section, name, type, defaultValue, true, reload, perZone, secret, seed, doc);
    }

    Key zoned() {
        return new Key(section, name, type, defaultValue, list, reload, true, secret, seed, doc);
    }

    Key hidden() {
        return new Key(section, name, type, defaultValue, list, reload, perZone, true, seed, doc);
    }

    Key fromSeed() {
        return new Key(section, name, type, defaultValue, list, reload, perZone, secret, true, doc);
    }
}
