package io.bucketdns.feed.haproxy;

import io.bucketdns.component.Context;
import io.bucketdns.component.NamedSetup;
import io.bucketdns.config.BucketDnsConfig;

/** HAProxy's bucket map, fed from catalog changes while {@code [haproxy]} is present. */
public final class HaproxySetup extends NamedSetup<HaproxyFeed, BucketDnsConfig.Haproxy> {
    public HaproxySetup() {
        super("haproxy", BucketDnsConfig::haproxy);
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
