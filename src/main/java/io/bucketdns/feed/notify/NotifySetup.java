package io.bucketdns.feed.notify;

import io.bucketdns.component.Context;
import io.bucketdns.component.NamedSetup;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.time.Scheduler;
import java.net.InetSocketAddress;
import java.util.List;

/** NOTIFY to the secondaries of {@code [xfr] notify} on every catalog change, and once at start. */
public final class NotifySetup extends NamedSetup<Notifier, List<InetSocketAddress>> {
    public NotifySetup() {
        super("notify", config -> config.xfr().secondaries().isEmpty() ? null : config.xfr().secondaries());
    }

    @Override
    public Notifier start(BucketDnsConfig config, Context context) {
        Notifier n = new Notifier(config.xfr().secondaries(), () -> context.authority().zones(), () -> context.authority().catalog().serial(),
                new UdpNotify(), Scheduler.thread("notify"));
        context.addCatalogListener(n);
        n.changed();
        return n;
    }

    @Override
    public void stop(Notifier running, Context context) {
        context.removeCatalogListener(running);
        running.close();
    }

    @Override
    public String started(Notifier running, List<InetSocketAddress> settings) {
        return "notify: telling " + settings + " of every zone change";
    }
}
