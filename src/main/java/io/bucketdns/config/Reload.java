package io.bucketdns.config;

/**
 * What a reload must redo when a key's value changed, from least to most. The column of the
 * configuration reference, and what {@code Service} reads to decide how much a reload restarts.
 */
public enum Reload {
    /** Applied to the running instance at once: answers, rate limits, logging. */
    KEEP("applied at once"),
    /** The listener or feed the key belongs to starts anew; the others keep their sockets. */
    REBIND("restarts its listener or feed"),
    /** A new catalog loads while the old one keeps answering, then replaces it. */
    REBUILD("rebuilds the catalog");

    private final String effect;

    Reload(String effect) {
        this.effect = effect;
    }

    /** What an operator sees happen, for the reference. */
    public String effect() {
        return effect;
    }
}
