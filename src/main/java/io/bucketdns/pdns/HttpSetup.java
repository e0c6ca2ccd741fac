package io.bucketdns.pdns;

import io.bucketdns.component.Context;
import io.bucketdns.component.Setup;
import io.bucketdns.config.BucketDnsConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** PowerDNS's http connector, on the seed's {@code [powerdns] listen_addr} and {@code listen_port}. */
public final class HttpSetup implements Setup<HttpConnector, InetSocketAddress> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpSetup.class);

    @Override
    public String name() {
        return "http";
    }

    @Override
    public InetSocketAddress settings(BucketDnsConfig config) {
        return config.remoteBackend();
    }

    @Override
    public String describe(InetSocketAddress settings) {
        return settings.getHostString() + ":" + settings.getPort();
    }

    @Override
    public HttpConnector start(BucketDnsConfig config, Context context) throws IOException {
        HttpConnector http = HttpConnector.start(settings(config), new RemoteBackend(context.authority(), name()));
        LOG.info("powerdns remote backend: http://{}:{}/dns", settings(config).getHostString(), http.address().getPort());
        return http;
    }
}
