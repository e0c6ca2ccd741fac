package io.bucketdns.frontend.dns;

import static io.bucketdns.frontend.dns.LinuxUdp.CMSG_DATA;
import static io.bucketdns.frontend.dns.LinuxUdp.CMSG_LEVEL;
import static io.bucketdns.frontend.dns.LinuxUdp.CMSG_SPACE_PKTINFO;
import static io.bucketdns.frontend.dns.LinuxUdp.CMSG_SPACE_PKTINFO6;
import static io.bucketdns.frontend.dns.LinuxUdp.CMSG_TYPE;
import static io.bucketdns.frontend.dns.LinuxUdp.IOVEC_SIZE;
import static io.bucketdns.frontend.dns.LinuxUdp.MMSGHDR_LEN;
import static io.bucketdns.frontend.dns.LinuxUdp.MMSGHDR_SIZE;
import static io.bucketdns.frontend.dns.LinuxUdp.MSGHDR_CONTROL;
import static io.bucketdns.frontend.dns.LinuxUdp.MSGHDR_CONTROLLEN;
import static io.bucketdns.frontend.dns.LinuxUdp.MSGHDR_FLAGS;
import static io.bucketdns.frontend.dns.LinuxUdp.MSGHDR_IOV;
import static io.bucketdns.frontend.dns.LinuxUdp.MSGHDR_IOVLEN;
import static io.bucketdns.frontend.dns.LinuxUdp.MSGHDR_NAME;
import static io.bucketdns.frontend.dns.LinuxUdp.MSGHDR_NAMELEN;
import static io.bucketdns.frontend.dns.LinuxUdp.SOCKADDR_SIZE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;

/**
 * One worker's batch of datagrams in native memory, for {@code recvmmsg} and {@code sendmmsg}:
 * {@link #receive} fills up to {@link #slots()} datagrams with what is waiting (at least one,
 * never waiting for more), {@link #reply} queues an answer to one of them, {@link #flush} sends
 * the queued answers in one call. All memory is allocated once; a batch allocates nothing.
 *
 * <p>Each answer goes to its datagram's sender and, on a wildcard socket, leaves from the address
 * the datagram was sent to: the kernel's {@code IP_PKTINFO}/{@code IPV6_PKTINFO} of the datagram
 * is sent back with it (its interface cleared for IPv4, so the route decides, as for a bound
 * socket). Without it, the kernel would pick the source by route, and a client that asked
 * 127.0.0.2 or an anycast address would drop the answer.
 *
 * <p>Not thread-safe: one worker owns it. Answers sent later from another thread take a
 * {@link Peer} copy and {@link #sendOne}.
 */
final class Datagrams implements AutoCloseable {
    /** Room for one control message: IPV6_PKTINFO is the larger. */
    private static final int CONTROL_SIZE = 64;

    private final Arena arena = Arena.ofShared();
    private final int slots;
    private final int receiveSize;
    private final int sendSize;
    private final MemorySegment err;
    private final MemorySegment received;
    private final MemorySegment toSend;
    private final MemorySegment receiveBuffers;
    private final MemorySegment sendBuffers;
    private final MemorySegment names;
    private final MemorySegment controls;
    private final MemorySegment sendNames;
    private final MemorySegment sendControls;
    /** The receive slots' iovecs, then the send slots'. */
    private final MemorySegment iovs;
    private final byte[] v4 = new byte[4];
    private final byte[] v6 = new byte[16];
    private int queued;

    /**
     * @param slots datagrams per batch
     * @param receiveSize the largest datagram taken whole; a longer one is {@link #truncated}
     * @param sendSize the largest answer
     */
    Datagrams(int slots, int receiveSize, int sendSize) {
        this.slots = slots;
        this.receiveSize = receiveSize;
        this.sendSize = sendSize;
        err = LinuxUdp.errnoSlot(arena);
        received = arena.allocate((long) MMSGHDR_SIZE * slots, 8);
        toSend = arena.allocate((long) MMSGHDR_SIZE * slots, 8);
        receiveBuffers = arena.allocate((long) receiveSize * slots, 8);
        sendBuffers = arena.allocate((long) sendSize * slots, 8);
        names = arena.allocate((long) SOCKADDR_SIZE * slots, 8);
        controls = arena.allocate((long) CONTROL_SIZE * slots, 8);
        sendNames = arena.allocate((long) SOCKADDR_SIZE * slots, 8);
        sendControls = arena.allocate((long) CONTROL_SIZE * slots, 8);
        iovs = arena.allocate((long) IOVEC_SIZE * slots * 2, 8);
        for (int i = 0; i < slots; i++) {
            MemorySegment in = iovs.asSlice((long) IOVEC_SIZE * i, IOVEC_SIZE);
            in.set(ValueLayout.ADDRESS, 0, receiveBuffers.asSlice((long) receiveSize * i, receiveSize));
            in.set(ValueLayout.JAVA_LONG, 8, receiveSize);
            MemorySegment r = header(received, i);
            r.set(ValueLayout.ADDRESS, MSGHDR_NAME, names.asSlice((long) SOCKADDR_SIZE * i, SOCKADDR_SIZE));
            r.set(ValueLayout.ADDRESS, MSGHDR_IOV, in);
            r.set(ValueLayout.JAVA_LONG, MSGHDR_IOVLEN, 1);
            r.set(ValueLayout.ADDRESS, MSGHDR_CONTROL, controls.asSlice((long) CONTROL_SIZE * i, CONTROL_SIZE));

            MemorySegment out = iovs.asSlice((long) IOVEC_SIZE * (slots + i), IOVEC_SIZE);
            out.set(ValueLayout.ADDRESS, 0, sendBuffers.asSlice((long) sendSize * i, sendSize));
            MemorySegment s = header(toSend, i);
            s.set(ValueLayout.ADDRESS, MSGHDR_NAME, sendNames.asSlice((long) SOCKADDR_SIZE * i, SOCKADDR_SIZE));
            s.set(ValueLayout.ADDRESS, MSGHDR_IOV, out);
            s.set(ValueLayout.JAVA_LONG, MSGHDR_IOVLEN, 1);
            s.set(ValueLayout.ADDRESS, MSGHDR_CONTROL, sendControls.asSlice((long) CONTROL_SIZE * i, CONTROL_SIZE));
        }
    }

    private static MemorySegment header(MemorySegment vector, int i) {
        return vector.asSlice((long) MMSGHDR_SIZE * i, MMSGHDR_SIZE);
    }

    int slots() {
        return slots;
    }

    /**
     * Receives what is waiting on {@code fd}, up to {@link #slots()} datagrams: blocks for the
     * first unless {@code wait} is false, never for more.
     *
     * @return how many came; 0 when nothing waits and {@code wait} is false
     * @throws IOException on any failure but an interrupted call, which is tried again
     */
    int receive(int fd, boolean wait) throws IOException {
        for (int i = 0; i < slots; i++) {
            long h = (long) MMSGHDR_SIZE * i;
            received.set(ValueLayout.JAVA_INT, h + MSGHDR_NAMELEN, SOCKADDR_SIZE);
            received.set(ValueLayout.JAVA_LONG, h + MSGHDR_CONTROLLEN, CONTROL_SIZE);
            received.set(ValueLayout.JAVA_INT, h + MSGHDR_FLAGS, 0);
        }
        while (true) {
            int n = LinuxUdp.recvmmsg(err, fd, received, slots, wait ? LinuxUdp.MSG_WAITFORONE : LinuxUdp.MSG_DONTWAIT);
            if (n >= 0) {
                return n;
            }
            int e = LinuxUdp.errno(err);
            if (e == LinuxUdp.EAGAIN) {
                return 0;
            }
            if (e != LinuxUdp.EINTR) {
                throw new IOException("recvmmsg: " + LinuxUdp.strerror(e));
            }
        }
    }

    /** The length of datagram {@code i} of the last {@link #receive}, at most the receive size. */
    int length(int i) {
        return Math.min(received.get(ValueLayout.JAVA_INT, (long) MMSGHDR_SIZE * i + MMSGHDR_LEN), receiveSize);
    }

    /** Whether datagram {@code i} was longer than the receive size, so only its start is here. */
    boolean truncated(int i) {
        return (received.get(ValueLayout.JAVA_INT, (long) MMSGHDR_SIZE * i + MSGHDR_FLAGS) & LinuxUdp.MSG_TRUNC) != 0;
    }

    /** Copies datagram {@code i} into {@code to}; returns its length. */
    int copy(int i, byte[] to) {
        int n = length(i);
        MemorySegment.copy(receiveBuffers, ValueLayout.JAVA_BYTE, (long) receiveSize * i, to, 0, n);
        return n;
    }

    /**
     * The IP address datagram {@code i} came from, 4 bytes for IPv4 (IPv4-mapped included) or
     * 16: one of two arrays this batch reuses, valid until the next call.
     */
    byte[] sender(int i) {
        long name = (long) SOCKADDR_SIZE * i;
        if (names.get(ValueLayout.JAVA_SHORT, name) == LinuxUdp.AF_INET) {
            MemorySegment.copy(names, ValueLayout.JAVA_BYTE, name + 4, v4, 0, 4);
            return v4;
        }
        if (names.get(ValueLayout.JAVA_LONG_UNALIGNED, name + 8) == 0 && names.get(ValueLayout.JAVA_INT_UNALIGNED, name + 16) == 0xffff0000) {
            MemorySegment.copy(names, ValueLayout.JAVA_BYTE, name + 20, v4, 0, 4);
            return v4;
        }
        MemorySegment.copy(names, ValueLayout.JAVA_BYTE, name + 8, v6, 0, 16);
        return v6;
    }

    /** Queues {@code answer[0..length)} to datagram {@code i}'s sender, from the address it was sent to. */
    void reply(int i, byte[] answer, int length) {
        if (length > sendSize) {
            throw new IllegalArgumentException("answer of " + length + " bytes, more than " + sendSize);
        }
        int j = queued++;
        long from = (long) MMSGHDR_SIZE * i;
        long to = (long) MMSGHDR_SIZE * j;
        MemorySegment.copy(answer, 0, sendBuffers, ValueLayout.JAVA_BYTE, (long) sendSize * j, length);
        iovs.set(ValueLayout.JAVA_LONG, (long) IOVEC_SIZE * (slots + j) + 8, length);
        MemorySegment.copy(names, (long) SOCKADDR_SIZE * i, sendNames, (long) SOCKADDR_SIZE * j, SOCKADDR_SIZE);
        toSend.set(ValueLayout.JAVA_INT, to + MSGHDR_NAMELEN, received.get(ValueLayout.JAVA_INT, from + MSGHDR_NAMELEN));
        long control = source(controls, (long) CONTROL_SIZE * i, received.get(ValueLayout.JAVA_LONG, from + MSGHDR_CONTROLLEN),
                sendControls, (long) CONTROL_SIZE * j);
        // a zero length beside the slot's pointer is what the kernel reads as no control data
        toSend.set(ValueLayout.JAVA_LONG, to + MSGHDR_CONTROLLEN, control);
        toSend.set(ValueLayout.JAVA_INT, to + MSGHDR_FLAGS, 0);
    }

    /**
     * Writes at {@code to[at..]} the control message that makes an answer leave from the address
     * a datagram with control data {@code from[off..off+length)} was sent to; returns its length,
     * 0 when the datagram carried none (a socket bound to one address).
     */
    private static long source(MemorySegment from, long off, long length, MemorySegment to, long at) {
        if (length < CMSG_DATA) {
            return 0;
        }
        int level = from.get(ValueLayout.JAVA_INT_UNALIGNED, off + CMSG_LEVEL);
        int type = from.get(ValueLayout.JAVA_INT_UNALIGNED, off + CMSG_TYPE);
        if (level == LinuxUdp.IPPROTO_IP && type == LinuxUdp.IP_PKTINFO) {
            MemorySegment.copy(from, off, to, at, CMSG_SPACE_PKTINFO);
            to.set(ValueLayout.JAVA_INT_UNALIGNED, at + CMSG_DATA, 0); // ipi_ifindex: let the route choose
            // ipi_spec_dst, the source to use: the datagram's destination, ipi_addr
            to.set(ValueLayout.JAVA_INT_UNALIGNED, at + CMSG_DATA + 4, from.get(ValueLayout.JAVA_INT_UNALIGNED, off + CMSG_DATA + 8));
            return CMSG_SPACE_PKTINFO;
        }
        if (level == LinuxUdp.IPPROTO_IPV6 && type == LinuxUdp.IPV6_PKTINFO) {
            // ipi6_addr is the source to use; ipi6_ifindex stays, as link-local addresses need it
            MemorySegment.copy(from, off, to, at, CMSG_SPACE_PKTINFO6);
            return CMSG_SPACE_PKTINFO6;
        }
        return 0;
    }

    /** Answers queued since the last {@link #flush}. */
    int queued() {
        return queued;
    }

    /**
     * Sends the queued answers, as many per call as the kernel takes. An answer the kernel refuses
     * (a peer's address it cannot reach) is skipped, so it cannot hold the others back.
     *
     * @return the answers the kernel refused
     */
    int flush(int fd) {
        int refused = 0;
        int at = 0;
        while (at < queued) {
            int n = LinuxUdp.sendmmsg(err, fd, toSend.asSlice((long) MMSGHDR_SIZE * at), queued - at);
            if (n > 0) {
                at += n;
            } else if (n < 0 && LinuxUdp.errno(err) == LinuxUdp.EINTR) {
                continue;
            } else {
                refused++;
                at++;
            }
        }
        queued = 0;
        return refused;
    }

    /** Where datagram {@code i}'s answer goes, copied out of the batch for an answer that comes later. */
    Peer peer(int i) {
        long from = (long) MMSGHDR_SIZE * i;
        byte[] source = new byte[CONTROL_SIZE];
        long length = source(controls, (long) CONTROL_SIZE * i, received.get(ValueLayout.JAVA_LONG, from + MSGHDR_CONTROLLEN),
                MemorySegment.ofArray(source), 0);
        byte[] name = names.asSlice((long) SOCKADDR_SIZE * i, received.get(ValueLayout.JAVA_INT, from + MSGHDR_NAMELEN))
                .toArray(ValueLayout.JAVA_BYTE);
        return new Peer(name, java.util.Arrays.copyOf(source, (int) length), sender(i).clone());
    }

    /**
     * A datagram's sender, for its answer from another thread.
     *
     * @param name its {@code sockaddr}
     * @param control the control message that sets the answer's source; empty for none
     * @param address its IP address, as {@link #sender} gives it
     */
    record Peer(byte[] name, byte[] control, byte[] address) {
        InetSocketAddress socketAddress() {
            try (Arena arena = Arena.ofConfined()) {
                return LinuxUdp.readAddress(arena.allocate(SOCKADDR_SIZE, 8).copyFrom(MemorySegment.ofArray(name)));
            }
        }
    }

    /** Sends one answer to {@code peer} at once, from any thread. */
    static void sendOne(int fd, Peer peer, byte[] answer, int length) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment header = arena.allocate(MMSGHDR_SIZE, 8);
            MemorySegment iov = arena.allocate(IOVEC_SIZE, 8);
            MemorySegment data = arena.allocate(Math.max(1, length), 8);
            MemorySegment.copy(answer, 0, data, ValueLayout.JAVA_BYTE, 0, length);
            iov.set(ValueLayout.ADDRESS, 0, data);
            iov.set(ValueLayout.JAVA_LONG, 8, length);
            MemorySegment name = arena.allocate(SOCKADDR_SIZE, 8);
            name.copyFrom(MemorySegment.ofArray(peer.name()));
            header.set(ValueLayout.ADDRESS, MSGHDR_NAME, name);
            header.set(ValueLayout.JAVA_INT, MSGHDR_NAMELEN, peer.name().length);
            header.set(ValueLayout.ADDRESS, MSGHDR_IOV, iov);
            header.set(ValueLayout.JAVA_LONG, MSGHDR_IOVLEN, 1);
            if (peer.control().length > 0) {
                MemorySegment control = arena.allocate(peer.control().length, 8);
                control.copyFrom(MemorySegment.ofArray(peer.control()));
                header.set(ValueLayout.ADDRESS, MSGHDR_CONTROL, control);
                header.set(ValueLayout.JAVA_LONG, MSGHDR_CONTROLLEN, peer.control().length);
            }
            MemorySegment err = LinuxUdp.errnoSlot(arena);
            if (LinuxUdp.sendmsg(err, fd, header) < 0) {
                throw new IOException("sendmsg to " + peer.socketAddress() + ": " + LinuxUdp.strerror(LinuxUdp.errno(err)));
            }
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
