package io.bucketdns.feed.haproxy;

import io.bucketdns.component.Context;
import io.bucketdns.component.Setup;
import io.bucketdns.config.BucketDnsConfig;

/** HAProxy's bucket map, fed from catalog changes while {@code [haproxy]} is present. */
public final class HaproxySetup implements Setup<HaproxyFeed, BucketDnsConfig.Haproxy> {
    @Override
    public String name() {
        return "haproxy";
    }

    @Override
    public BucketDnsConfig.Haproxy settings(BucketDnsConfig config) {
        return config.haproxy();
    }

    @Override
    public HaproxyFeed start(BucketDnsConfig config, Context context) {
        BucketDnsConfig.Haproxy s = settings(config);
        // asked at each write, so a catalog a reload rebuilds is waited for too
        HaproxyFeed feed = HaproxyFeed.create(s, () -> context.catalog().isLoaded());
        context.addCatalogListener(feed);
        feed.start(context.catalog().current());
        return feed;
    }

    @Override
    public void stop(HaproxyFeed running, Context context) {
        context.removeCatalogListener(running);
        running.close();
    }

    @Override
    public String started(HaproxyFeed running, BucketDnsConfig.Haproxy settings) {
        return "haproxy: feeding map " + settings.map() + (settings.runtimeSocket() == null ? " (file only)" : "");
    }
}
