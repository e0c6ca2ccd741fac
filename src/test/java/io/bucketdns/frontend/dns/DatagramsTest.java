package io.bucketdns.frontend.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The FFM bindings of the batched UDP path against the real kernel on loopback: batch
 * boundaries, a datagram longer than its slot, nothing waiting (EAGAIN), a peer that vanished,
 * answers from the address asked on wildcard sockets, a late answer from another thread, the wake
 * of a blocked receive on close, and bind errors.
 */
class DatagramsTest {
    private final List<Integer> fds = new ArrayList<>();
    private final List<DatagramSocket> clients = new ArrayList<>();
    private final Datagrams batch = new Datagrams(4, 64, 64);

    @BeforeAll
    static void linux() {
        assumeTrue(LinuxUdp.unavailable() == null, LinuxUdp.unavailable());
    }

    @AfterEach
    void close() {
        batch.close();
        fds.forEach(LinuxUdp::close);
        clients.forEach(DatagramSocket::close);
    }

    private int open(String host) throws IOException {
        int fd = LinuxUdp.open(new InetSocketAddress(InetAddress.getByName(host), 0), 1 << 20);
        fds.add(fd);
        return fd;
    }

    private DatagramSocket client(String host) throws IOException {
        DatagramSocket c = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(host), 0));
        c.setSoTimeout(5_000);
        clients.add(c);
        return c;
    }

    private static void send(DatagramSocket from, InetSocketAddress to, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        from.send(new DatagramPacket(b, b.length, to));
    }

    private static String receive(DatagramSocket c) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[128], 128);
        c.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
    }

    private static InetSocketAddress at(String host, int fd) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(host), LinuxUdp.localAddress(fd).getPort());
    }

    /** Receives until {@code count} datagrams came, each batch at most the slots; returns the batch sizes. */
    private List<Integer> receiveAll(int fd, int count) throws IOException {
        List<Integer> sizes = new ArrayList<>();
        for (int got = 0; got < count; ) {
            int n = batch.receive(fd, true);
            sizes.add(n);
            got += n;
        }
        return sizes;
    }

    @Test
    void aBatchTakesWhatWaitsUpToItsSlotsAndTheRestComesNext() throws IOException {
        int fd = open("127.0.0.1");
        DatagramSocket c = client("127.0.0.1");
        for (int i = 0; i < 6; i++) {
            send(c, LinuxUdp.localAddress(fd), "q" + i);
        }

        int first = batch.receive(fd, true);
        byte[] in = new byte[64];
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < first; i++) {
            texts.add(new String(in, 0, batch.copy(i, in), StandardCharsets.US_ASCII));
        }
        int second = batch.receive(fd, true);

        assertThat(first).as("all four slots").isEqualTo(4);
        assertThat(texts).containsExactly("q0", "q1", "q2", "q3");
        assertThat(second).as("the two left, without waiting for more").isEqualTo(2);
        assertThat(batch.receive(fd, false)).as("nothing waits: EAGAIN, not an error").isZero();
    }

    @Test
    void answersGoBackToEachSenderInOneFlush() throws IOException {
        int fd = open("127.0.0.1");
        DatagramSocket a = client("127.0.0.1");
        DatagramSocket b = client("127.0.0.1");
        send(a, LinuxUdp.localAddress(fd), "from a");
        send(b, LinuxUdp.localAddress(fd), "from b");
        assertThat(receiveAll(fd, 2)).isNotEmpty();

        byte[] in = new byte[64];
        for (int i = 0; i < 2; i++) {
            String q = new String(in, 0, batch.copy(i, in), StandardCharsets.US_ASCII);
            byte[] answer = ("re " + q).getBytes(StandardCharsets.US_ASCII);
            batch.reply(i, answer, answer.length);
        }
        assertThat(batch.queued()).isEqualTo(2);

        assertThat(batch.flush(fd)).as("refused").isZero();
        assertThat(receive(a)).isEqualTo("re from a");
        assertThat(receive(b)).isEqualTo("re from b");
        assertThat(batch.queued()).isZero();
    }

    @Test
    void theSenderReadsAsItsAddressForTheRateLimit() throws IOException {
        int v4 = open("127.0.0.1");
        send(client("127.0.0.1"), LinuxUdp.localAddress(v4), "x");
        receiveAll(v4, 1);
        assertThat(batch.sender(0)).containsExactly(127, 0, 0, 1);

        int dual = open("::");
        send(client("127.0.0.1"), at("127.0.0.1", dual), "x");
        receiveAll(dual, 1);
        assertThat(batch.sender(0)).as("IPv4-mapped reads as IPv4, as the NIO path gives it").containsExactly(127, 0, 0, 1);

        send(client("::1"), at("::1", dual), "x");
        receiveAll(dual, 1);
        assertThat(batch.sender(0)).hasSize(16).endsWith(1);
    }

    @Test
    void aDatagramLongerThanItsSlotIsMarkedTruncated() throws IOException {
        int fd = open("127.0.0.1");
        DatagramSocket c = client("127.0.0.1");
        send(c, LinuxUdp.localAddress(fd), "x".repeat(100));
        send(c, LinuxUdp.localAddress(fd), "short");

        receiveAll(fd, 2);

        assertThat(batch.truncated(0)).isTrue();
        assertThat(batch.length(0)).isEqualTo(64);
        assertThat(batch.truncated(1)).isFalse();
        assertThat(batch.length(1)).isEqualTo(5);
    }

    @Test
    void anAnswerToAPeerThatVanishedHoldsNoOtherBack() throws IOException {
        int fd = open("127.0.0.1");
        DatagramSocket gone = client("127.0.0.1");
        DatagramSocket stays = client("127.0.0.1");
        send(gone, LinuxUdp.localAddress(fd), "1");
        send(stays, LinuxUdp.localAddress(fd), "2");
        receiveAll(fd, 2);
        gone.close();

        byte[] answer = "answer".getBytes(StandardCharsets.US_ASCII);
        batch.reply(0, answer, answer.length);
        batch.reply(1, answer, answer.length);
        batch.flush(fd);

        assertThat(receive(stays)).isEqualTo("answer");
    }

    @Test
    void onAWildcardSocketEachAnswerLeavesFromTheAddressAsked() throws IOException {
        int fd = open("0.0.0.0");
        for (String asked : List.of("127.0.0.1", "127.0.0.2", "127.0.0.9")) {
            assertAnsweredFrom(fd, "127.0.0.1", asked);
        }
    }

    /** A question from {@code from} to {@code asked} on wildcard socket {@code fd} is answered from {@code asked}. */
    private void assertAnsweredFrom(int fd, String from, String asked) throws IOException {
        DatagramSocket c = client(from);
        c.connect(at(asked, fd)); // a connected socket takes datagrams from that address only
        send(c, at(asked, fd), "q");
        receiveAll(fd, 1);

        batch.reply(0, "a".getBytes(StandardCharsets.US_ASCII), 1);
        batch.flush(fd);

        assertThat(receive(c)).as("answer to a question to %s", asked).isEqualTo("a");
    }

    @Test
    void onADualStackWildcardSocketIpv4AndIpv6AreAnsweredFromTheAddressAsked() throws IOException {
        int fd = open("::");
        assertAnsweredFrom(fd, "127.0.0.1", "127.0.0.3");
        assertAnsweredFrom(fd, "::1", "::1");
    }

    @Test
    void aPeerCopiedOutOfTheBatchIsAnsweredFromAnotherThreadFromTheAddressAsked() throws Exception {
        int fd = open("0.0.0.0");
        DatagramSocket c = client("127.0.0.1");
        c.connect(at("127.0.0.4", fd));
        send(c, at("127.0.0.4", fd), "q");
        receiveAll(fd, 1);
        Datagrams.Peer peer = batch.peer(0);
        batch.receive(fd, false); // the batch's memory is reused; the copy must not care

        CompletableFuture.runAsync(() -> {
            try {
                Datagrams.sendOne(fd, peer, "late".getBytes(StandardCharsets.US_ASCII), 4);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }).get(5, TimeUnit.SECONDS);

        assertThat(receive(c)).isEqualTo("late");
        assertThat(peer.address()).containsExactly(127, 0, 0, 1);
        assertThat(peer.socketAddress().getPort()).isEqualTo(c.getLocalPort());
    }

    @Test
    void shutdownWakesAReceiveBlockedOnAnEmptySocket() throws Exception {
        int fd = open("127.0.0.1");
        CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return batch.receive(fd, true);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });

        LinuxUdp.shutdown(fd);

        assertThat(blocked.get(5, TimeUnit.SECONDS)).as("woken with empty datagrams or none").isGreaterThanOrEqualTo(0);
        assertThat(blocked.get() == 0 || batch.length(0) == 0).isTrue();
    }

    @Test
    void anAddressTakenOrNotTheHostsIsABindExceptionWithTheSystemsReason() throws IOException {
        DatagramSocket taken = client("127.0.0.1"); // no SO_REUSEPORT: the port is its alone

        assertThatThrownBy(() -> LinuxUdp.open(new InetSocketAddress("127.0.0.1", taken.getLocalPort()), 1 << 16))
                .isInstanceOf(BindException.class).hasMessageContaining("Address already in use");
        assertThatThrownBy(() -> LinuxUdp.open(new InetSocketAddress("192.0.2.1", 0), 1 << 16))
                .isInstanceOf(BindException.class).hasMessageContaining("Cannot assign requested address");
    }

    /** Runs {@code body} on a new platform thread kept on {@code cpu}, so that the test's own thread stays unpinned. */
    private static void onCpu(int cpu, ThrowingRunnable body) throws Exception {
        Exception[] failed = new Exception[1];
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                LinuxUdp.pinCurrentThread(cpu);
                body.run();
            } catch (Exception e) {
                failed[0] = e;
            }
        });
        t.join(10_000);
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void aPinnedThreadMayRunOnItsCpuAlone() throws Exception {
        int[] allowed = LinuxUdp.allowedCpus();
        assertThat(allowed).isNotEmpty().isSorted();
        int[][] seen = new int[1][];
        onCpu(allowed[allowed.length - 1], () -> seen[0] = LinuxUdp.allowedCpus());

        assertThat(seen[0]).containsExactly(allowed[allowed.length - 1]);
        assertThat(LinuxUdp.allowedCpus()).as("the test's thread is untouched").isEqualTo(allowed);
        assertThatThrownBy(() -> onCpu(1023, () -> {})).isInstanceOf(IOException.class).hasMessageContaining("sched_setaffinity to CPU 1023");
    }

    /** On loopback a datagram arrives on the CPU that sent it, so steering puts it in that CPU's socket of the group. */
    @Test
    void steeringHandsEachDatagramToTheSocketOfTheCpuItArrivedOn() throws Exception {
        int[] allowed = LinuxUdp.allowedCpus();
        int[] cpus = CpuAffinity.plan(allowed, allowed.length);
        assumeTrue(cpus != null && cpus.length >= 2, "needs two CPUs numbered apart modulo their count");
        int first = open("127.0.0.1");
        int[] group = new int[cpus.length];
        group[0] = first;
        for (int i = 1; i < group.length; i++) {
            group[i] = LinuxUdp.open(LinuxUdp.localAddress(first), 1 << 20);
            fds.add(group[i]);
        }
        LinuxUdp.steerByCpu(first, group.length);
        InetSocketAddress to = at("127.0.0.1", first);

        for (int socket = 0; socket < group.length; socket++) {
            onCpu(cpus[socket], () -> {
                try (DatagramSocket c = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                    for (int k = 0; k < 3; k++) {
                        send(c, to, "q" + k);
                    }
                }
            });
            for (int other = 0; other < group.length; other++) {
                int expected = other == socket ? 3 : 0;
                assertThat(other == socket ? receiveAll(group[other], 3).stream().mapToInt(Integer::intValue).sum() : batch.receive(group[other], false))
                        .as("sent from CPU %d: socket %d", cpus[socket], other).isEqualTo(expected);
            }
        }
    }
}
