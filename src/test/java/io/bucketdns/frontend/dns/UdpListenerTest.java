package io.bucketdns.frontend.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketdns.catalog.CatalogHistory;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * UDP on a real loopback socket, on both paths: answers, bad datagrams, answers that wait, and
 * the rate limit on both.
 */
class UdpListenerTest {
    /**
     * The rate limit's clock: it stands still, so every response of a test falls in the same
     * second. A reading of the real monotonic clock, which the limiter's own epoch comes from.
     */
    private final long now = System.nanoTime();

    private final DeferringAuthority authority = new DeferringAuthority();
    private final AtomicReference<RateLimit> rateLimit = new AtomicReference<>();
    private UdpEndpoint listener;
    private DatagramSocket client;
    private InetSocketAddress server;

    private void start(UdpIo io, int workers) throws IOException {
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        UdpAnswers answers = new UdpAnswers(new Responder(authority, 1232),
                new ZoneTransfer(authority, new CatalogHistory(), Clock.systemUTC()), rateLimit, () -> now);
        if (io == UdpIo.BATCHED) {
            int fd = LinuxUdp.open(loopback, 1 << 20);
            listener = new BatchUdpListener(new int[] {fd}, LinuxUdp.localAddress(fd), answers, workers, 1232, null);
        } else {
            DatagramChannel channel = DatagramChannel.open().bind(loopback);
            listener = new UdpListener(List.of(channel), answers, workers);
        }
        listener.start();
        server = listener.address();
        client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        client.setSoTimeout(5_000);
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
        if (client != null) {
            client.close();
        }
    }

    private void send(String name, int id) throws IOException {
        Message q = Fixture.query(name, Type.A);
        q.getHeader().setID(id);
        send(q.toWire());
    }

    private void send(byte[] datagram) throws IOException {
        client.send(new DatagramPacket(datagram, datagram.length, server));
    }

    private Message receive() throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        client.receive(p);
        return new Message(Arrays.copyOf(p.getData(), p.getLength()));
    }

    @ParameterizedTest
    @EnumSource(UdpIo.class)
    void answersABucketWithItsZonegroupsName(UdpIo io) throws IOException {
        start(io, 2);
        send("foo.o.example.com.", 7);

        Message answer = receive();

        assertThat(answer.getHeader().getID()).isEqualTo(7);
        assertThat(answer.getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(((CNAMERecord) r).getTarget()).hasToString("foo.o.example.eu."));
    }

    @ParameterizedTest
    @EnumSource(UdpIo.class)
    void aDatagramTooShortForAHeaderGetsNothingAndTheWorkerGoesOn(UdpIo io) throws IOException {
        start(io, 1);
        send(new byte[] {1, 2, 3});
        send(new byte[0]);
        send("bar.o.example.com.", 9);

        assertThat(receive().getHeader().getID()).as("the first datagram back answers the good query").isEqualTo(9);
    }

    @ParameterizedTest
    @EnumSource(UdpIo.class)
    void anAnswerThatWaitsForItsLookUpHoldsNoWorkerBack(UdpIo io) throws Exception {
        start(io, 1);
        send("new-1.o.example.com.", 1);
        send("foo.o.example.com.", 2);

        assertThat(receive().getHeader().getID()).as("answered while new-1 waits").isEqualTo(2);
        authority.finishNext();
        Message late = receive();
        assertThat(late.getHeader().getID()).isEqualTo(1);
        assertThat(late.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @ParameterizedTest
    @EnumSource(UdpIo.class)
    void answersThatWaitedPassTheRateLimitLikeAnyOther(UdpIo io) throws Exception {
        rateLimit.set(RateLimit.of(new RateLimit.Settings(1, 0, List.of())));
        start(io, 1);
        for (int id = 1; id <= 3; id++) {
            send("new-" + id + ".o.example.com.", id);
        }
        for (int i = 0; i < 3; i++) {
            authority.finishNext(); // sends, or drops, on this thread
        }
        send("foo.o.example.com.", 4); // counted apart (its own name): sent

        assertThat(receive().getHeader().getID()).as("one NXDOMAIN a second: the first").isEqualTo(1);
        assertThat(receive().getHeader().getID()).as("the other two were dropped, so next comes foo").isEqualTo(4);
        assertThat(authority.dropped).hasValue(2);
    }

    @ParameterizedTest
    @EnumSource(UdpIo.class)
    void aWaitedAnswerOverTheRateIsSlippedAsAnEmptyTruncatedOne(UdpIo io) throws Exception {
        rateLimit.set(RateLimit.of(new RateLimit.Settings(1, 1, List.of())));
        start(io, 1);
        send("nope.o.example.com.", 1); // an NXDOMAIN at once: the second's one response
        assertThat(receive().getRcode()).isEqualTo(Rcode.NXDOMAIN);
        send("new-2.o.example.com.", 2);
        authority.finishNext();

        Message slipped = receive();

        assertThat(slipped.getHeader().getID()).isEqualTo(2);
        assertThat(slipped.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(slipped.getSection(Section.AUTHORITY)).isEmpty();
        assertThat(authority.slipped).hasValue(1);
    }
}
