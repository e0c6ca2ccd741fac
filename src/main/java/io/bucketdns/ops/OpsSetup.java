package io.bucketdns.ops;

import io.bucketdns.component.Context;
import io.bucketdns.component.Setup;
import io.bucketdns.config.BucketDnsConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ops endpoints, on {@code [ops] listen}. */
public final class OpsSetup implements Setup<OpsServer, InetSocketAddress> {
    private static final Logger LOG = LoggerFactory.getLogger(OpsSetup.class);

    @Override
    public String name() {
        return "ops";
    }

    @Override
    public InetSocketAddress settings(BucketDnsConfig config) {
        return config.ops().listen();
    }

    @Override
    public String describe(InetSocketAddress settings) {
        return settings.getHostString() + ":" + settings.getPort();
    }

    @Override
    public OpsServer start(BucketDnsConfig config, Context context) throws IOException {
        OpsServer ops = new OpsServer(settings(config), context::metrics, context::readiness, context::reload);
        LOG.info("ops: http://{}:{}/metrics /healthz /readyz /reload", settings(config).getHostString(), ops.address().getPort());
        return ops;
    }
}
