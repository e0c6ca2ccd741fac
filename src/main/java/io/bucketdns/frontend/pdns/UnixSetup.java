package io.bucketdns.frontend.pdns;

import io.bucketdns.component.Context;
import io.bucketdns.component.NamedSetup;
import io.bucketdns.config.BucketDnsConfig;
import java.io.IOException;

/** PowerDNS's unix connector, on {@code [powerdns] unix_socket} with its mode and group. */
public final class UnixSetup extends NamedSetup<UnixConnector, BucketDnsConfig.UnixSocket> {
    public UnixSetup() {
        super("unix", BucketDnsConfig::unixSocket);
    }

    @Override
    public UnixConnector start(BucketDnsConfig config, Context context) throws IOException {
        BucketDnsConfig.UnixSocket s = settings(config);
        return UnixConnector.start(s.path(), s.mode(), s.group(), new RemoteBackend(context.authority(), name()));
    }

    @Override
    public String started(UnixConnector running, BucketDnsConfig.UnixSocket settings) {
        return "powerdns remote backend: unix:path=" + settings.path();
    }
}
