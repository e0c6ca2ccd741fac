package io.bucketdns.frontend.ops;

import io.bucketdns.component.Context;
import io.bucketdns.component.NamedSetup;
import io.bucketdns.config.BucketDnsConfig;
import java.io.IOException;
import java.net.InetSocketAddress;

/** The ops endpoints, on {@code [ops] listen}. */
public final class OpsSetup extends NamedSetup<OpsServer, InetSocketAddress> {
    public OpsSetup() {
        super("ops", config -> config.ops().listen());
    }

    @Override
    public OpsServer start(BucketDnsConfig config, Context context) throws IOException {
        return new OpsServer(settings(config), context::metrics, context::readiness, context::reload);
    }

    @Override
    public String started(OpsServer running, InetSocketAddress settings) {
        return "ops: http://" + settings.getHostString() + ":" + running.address().getPort() + "/metrics /healthz /readyz /reload";
    }
}
