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
 * The standalone DNS server, on {@code [dns] listen}, its UDP moved as {@code [dns] udp_io} says.
 * A reload keeps the socket of every address the new {@code listen} keeps, and applies the rate
 * limit and the TCP idle timeout in place; it refuses a change of {@code udp_io}, which would
 * have to rebind every address at once.
 */
public final class DnsSetup extends NamedSetup<DnsServer, DnsSetup.Listen> {
    /** What the server binds: the addresses, and how UDP moves there. */
    public record Listen(List<InetSocketAddress> addresses, String udpIo, boolean cpuAffinity) {}

    public DnsSetup() {
        super("dns", config -> config.dnsListen().isEmpty() ? null : new Listen(config.dnsListen(), config.choice(Schema.DNS_UDP_IO),
                config.flag(Schema.DNS_UDP_CPU_AFFINITY)));
    }

    @Override
    public DnsServer start(BucketDnsConfig config, Context context) throws IOException {
        DnsServer.Limits limits = DnsServer.Limits.defaults().withTcpIdleTimeout(config.duration(Schema.DNS_TCP_IDLE_TIMEOUT))
                .withCpuAffinity(config.flag(Schema.DNS_UDP_CPU_AFFINITY));
        DnsServer server = DnsServer.start(config.dnsListen(), context.authority(), limits, config.dnsRateLimit(),
                UdpIo.select(config.choice(Schema.DNS_UDP_IO)));
        server.transfersAllowed(config.xfr().allow(), config.xfr().keys());
        context.addCatalogListener(server.history());
        return server;
    }

    @Override
    public void stop(DnsServer running, Context context) {
        context.removeCatalogListener(running.history());
        Context.closeQuietly(running);
    }

    @Override
    public void update(DnsServer running, BucketDnsConfig config) {
        running.rateLimit(config.dnsRateLimit());
        running.tcpIdleTimeout(config.duration(Schema.DNS_TCP_IDLE_TIMEOUT));
        running.transfersAllowed(config.xfr().allow(), config.xfr().keys());
    }

    @Override
    public Setup.Change<DnsServer> change(DnsServer running, BucketDnsConfig next, Context context) throws IOException {
        String asked = next.choice(Schema.DNS_UDP_IO);
        if (UdpIo.select(asked) != running.udpIo()) {
            throw new IOException("[dns] udp_io = " + asked + " differs from the running " + running.udpIo().configName()
                    + "; restart bucketdns to change it");
        }
        if (next.flag(Schema.DNS_UDP_CPU_AFFINITY) != running.cpuAffinity()) {
            throw new IOException("[dns] udp_cpu_affinity = " + next.flag(Schema.DNS_UDP_CPU_AFFINITY) + " differs from the running "
                    + running.cpuAffinity() + "; restart bucketdns to change it");
        }
        DnsServer.Change c = running.change(next.dnsListen());
        return new Setup.Change<>(running, c::commit, c::abort);
    }

    @Override
    public String describe(Listen settings) {
        return settings.addresses().toString();
    }

    @Override
    public String started(DnsServer running, Listen settings) {
        return "dns server: udp (" + running.udpIo().configName() + ") and tcp on " + running.addresses();
    }
}
