package io.bucketdns.frontend.dns;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the DNS server moves UDP datagrams ({@code [dns] udp_io}), chosen once at start. */
public enum UdpIo {
    /**
     * {@code recvmmsg}/{@code sendmmsg} through the FFM API, up to 32 datagrams per system call,
     * one wildcard socket answering every address from the address asked ({@link BatchUdpListener}).
     * Linux on x86-64 or ARM64.
     */
    BATCHED,
    /**
     * The JDK's {@code DatagramChannel}, one datagram per system call, a socket per address (a
     * wildcard stands for the interfaces' addresses, looked at again every few seconds).
     */
    NIO;

    private static final Logger LOG = LoggerFactory.getLogger(UdpIo.class);

    /** Its name in the config, {@code batched} or {@code nio}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The path for {@code configured} (a config name): {@code nio} as asked, {@code batched}
     * where this system can run it, else {@code nio}, saying why in the log.
     */
    public static UdpIo select(String configured) {
        UdpIo asked = valueOf(configured.toUpperCase(Locale.ROOT));
        String whyNot = LinuxUdp.unavailable();
        if (asked == BATCHED && whyNot != null) {
            LOG.warn("dns: udp_io = batched cannot run here ({}); using nio", whyNot);
            return NIO;
        }
        return asked;
    }
}
