package io.bucketdns.frontend.ops;

import io.bucketdns.component.Context;
import io.bucketdns.component.Setup;
import io.bucketdns.config.BucketDnsConfig;
import java.io.IOException;
import java.net.InetSocketAddress;

/** The ops endpoints, on {@code [ops] listen}. */
public final class OpsSetup implements Setup<OpsServer, InetSocketAddress> {
    @Override
    public String name() {
        return "ops";
    }

    @Override
    public InetSocketAddress settings(BucketDnsConfig config) {
        return config.ops().listen();
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
