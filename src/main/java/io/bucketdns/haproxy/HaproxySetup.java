package io.bucketdns.haproxy;

import io.bucketdns.component.Context;
import io.bucketdns.component.Setup;
import io.bucketdns.config.BucketDnsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** HAProxy's bucket map, fed from catalog changes while {@code [haproxy]} is present. */
public final class HaproxySetup implements Setup<HaproxyFeed, BucketDnsConfig.Haproxy> {
    private static final Logger LOG = LoggerFactory.getLogger(HaproxySetup.class);

    @Override
    public String name() {
        return "haproxy";
    }

    @Override
    public BucketDnsConfig.Haproxy settings(BucketDnsConfig config) {
        return config.haproxy();
    }

    @Override
    public String describe(BucketDnsConfig.Haproxy settings) {
        return "map " + settings.map();
    }

    @Override
    public HaproxyFeed start(BucketDnsConfig config, Context context) {
        BucketDnsConfig.Haproxy s = settings(config);
        // asked at each write, so a catalog a reload rebuilds is waited for too
        HaproxyFeed feed = HaproxyFeed.create(s, () -> context.catalog().isLoaded());
        context.addCatalogListener(feed);
        feed.start(context.catalog().current());
        LOG.info("haproxy: feeding map {}{}", s.map(), s.runtimeSocket() == null ? " (file only)" : "");
        return feed;
    }

    @Override
    public void stop(HaproxyFeed running, Context context) {
        context.removeCatalogListener(running);
        running.close();
    }
}
