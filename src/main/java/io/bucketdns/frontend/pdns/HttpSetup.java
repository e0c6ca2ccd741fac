package io.bucketdns.frontend.pdns;

import io.bucketdns.component.Context;
import io.bucketdns.component.NamedSetup;
import io.bucketdns.config.BucketDnsConfig;
import java.io.IOException;
import java.net.InetSocketAddress;

/** PowerDNS's http connector, on the seed's {@code [powerdns] listen_addr} and {@code listen_port}. */
public final class HttpSetup extends NamedSetup<HttpConnector, InetSocketAddress> {
    public HttpSetup() {
        super("http", BucketDnsConfig::remoteBackend);
    }

    @Override
    public HttpConnector start(BucketDnsConfig config, Context context) throws IOException {
        return HttpConnector.start(settings(config), new RemoteBackend(context.authority(), name()));
    }

    @Override
    public String started(HttpConnector running, InetSocketAddress settings) {
        return "powerdns remote backend: http://" + settings.getHostString() + ":" + running.address().getPort() + "/dns";
    }
}
