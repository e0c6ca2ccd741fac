package io.bucketdns.component;

import io.bucketdns.config.BucketDnsConfig;
import java.util.function.Function;

/**
 * A {@link Setup} whose name and settings are given once, at construction: what every setup so
 * far is, so each one's class holds only how it starts, reloads and stops.
 *
 * @param <C> the running component
 * @param <S> the settings it starts from
 */
public abstract class NamedSetup<C extends AutoCloseable, S> implements Setup<C, S> {
    private final String name;
    private final Function<BucketDnsConfig, S> settings;

    /**
     * @param name its name in logs and reload summaries
     * @param settings what it starts from in a config; null when the config leaves it off
     */
    protected NamedSetup(String name, Function<BucketDnsConfig, S> settings) {
        this.name = name;
        this.settings = settings;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final S settings(BucketDnsConfig config) {
        return settings.apply(config);
    }
}
