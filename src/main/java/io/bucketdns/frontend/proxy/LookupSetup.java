package io.bucketdns.frontend.proxy;

import io.bucketdns.component.Context;
import io.bucketdns.component.NamedSetup;
import io.bucketdns.config.BucketDnsConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.InstantSource;

/** HAProxy's look-up, on {@code [haproxy] lookup} while {@code [haproxy]} is present. */
public final class LookupSetup extends NamedSetup<LookupServer, InetSocketAddress> {
    public LookupSetup() {
        super("lookup", config -> config.haproxy() == null ? null : config.haproxy().lookup());
    }

    @Override
    public LookupServer start(BucketDnsConfig config, Context context) throws IOException {
        return new LookupServer(settings(config), context.authority(), InstantSource.system());
    }

    @Override
    public String started(LookupServer running, InetSocketAddress settings) {
        return "haproxy lookup: http://" + settings.getHostString() + ":" + running.address().getPort() + "/zonegroup/BUCKET";
    }
}
