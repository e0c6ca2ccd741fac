package io.bucketdns.frontend.dns;

import io.bucketdns.component.Context;
import io.bucketdns.component.NamedSetup;
import io.bucketdns.component.Setup;
import io.bucketdns.config.BucketDnsConfig;
import io.bucketdns.config.Schema;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The standalone DNS server, on {@code [dns] listen}. A reload keeps the socket of every address
 * the new {@code listen} keeps, and applies the rate limit and the TCP idle timeout in place.
 */
public final class DnsSetup extends NamedSetup<DnsServer, List<InetSocketAddress>> {
    public DnsSetup() {
        super("dns", config -> config.dnsListen().isEmpty() ? null : config.dnsListen());
    }

    @Override
    public DnsServer start(BucketDnsConfig config, Context context) throws IOException {
        DnsServer.Limits limits = DnsServer.Limits.defaults().withTcpIdleTimeout(config.duration(Schema.DNS_TCP_IDLE_TIMEOUT));
        return DnsServer.start(config.dnsListen(), context.authority(), limits, config.dnsRateLimit());
    }

    @Override
    public void update(DnsServer running, BucketDnsConfig config) {
        running.rateLimit(config.dnsRateLimit());
        running.tcpIdleTimeout(config.duration(Schema.DNS_TCP_IDLE_TIMEOUT));
    }

    @Override
    public Setup.Change<DnsServer> change(DnsServer running, BucketDnsConfig next, Context context) throws IOException {
        DnsServer.Change c = running.change(next.dnsListen());
        return new Setup.Change<>(running, c::commit, c::abort);
    }

    @Override
    public String started(DnsServer running, List<InetSocketAddress> settings) {
        return "dns server: udp and tcp on " + running.addresses();
    }
}
