package io.bucketdns.pdns;

import io.bucketdns.component.Context;
import io.bucketdns.component.Setup;
import io.bucketdns.config.BucketDnsConfig;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** PowerDNS's unix connector, on {@code [powerdns] unix_socket} with its mode and group. */
public final class UnixSetup implements Setup<UnixConnector, BucketDnsConfig.UnixSocket> {
    private static final Logger LOG = LoggerFactory.getLogger(UnixSetup.class);

    @Override
    public String name() {
        return "unix";
    }

    @Override
    public BucketDnsConfig.UnixSocket settings(BucketDnsConfig config) {
        return config.unixSocket();
    }

    @Override
    public String describe(BucketDnsConfig.UnixSocket settings) {
        return "unix:path=" + settings.path();
    }

    @Override
    public UnixConnector start(BucketDnsConfig config, Context context) throws IOException {
        BucketDnsConfig.UnixSocket s = settings(config);
        UnixConnector unix = UnixConnector.start(s.path(), s.mode(), s.group(), new RemoteBackend(context.authority(), name()));
        LOG.info("powerdns remote backend: unix:path={}", s.path());
        return unix;
    }
}
