package io.bucketdns.frontend.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP on one address through the JDK's {@code DatagramChannel}, one datagram per system call: the
 * portable path ({@link UdpIo#NIO}). Workers each receive a datagram, answer it and send the
 * answer, with buffers of their own, so the steady state allocates only what the resolver's
 * answer needs.
 *
 * <p>An answer that waits for an on-demand RGW look-up ({@code miss_wait}) is sent by the thread
 * that has it, so a worker never waits for RGW; it passes the rate limit like any other, or a
 * flood of unknown names would be answered unlimited.
 *
 * <p>Where the system has {@code SO_REUSEPORT} (Linux), each worker has a socket of its own on the
 * same port and the kernel spreads clients over them: workers sharing one channel would hand its
 * lock to each other on every packet, which costs more than answering. Closing the sockets wakes
 * the workers and they end.
 *
 * <p>Each answer passes the server's {@link RateLimit} in force, if any, before it is sent
 * ({@link UdpAnswers}).
 */
final class UdpListener implements UdpEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(UdpListener.class);

    private final List<DatagramChannel> channels;
    private final UdpAnswers answers;
    private final List<Thread> workers = new ArrayList<>();

    /** Worker {@code i} serves {@code channels[i % channels.size()]}. */
    UdpListener(List<DatagramChannel> channels, UdpAnswers answers, int workers) {
        this.channels = List.copyOf(channels);
        this.answers = answers;
        String address = address().toString();
        for (int i = 0; i < workers; i++) {
            DatagramChannel channel = this.channels.get(i % this.channels.size());
            this.workers.add(Thread.ofPlatform().daemon().name("dns-udp-" + address + "-" + i).unstarted(() -> serve(channel)));
        }
    }

    @Override
    public void start() {
        workers.forEach(Thread::start);
    }

    @Override
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) channels.get(0).getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("udp socket closed", e);
        }
    }

    private void serve(DatagramChannel channel) {
        Query query = new Query();
        Wire out = new Wire(0);
        byte[] in = new byte[Wire.MAX_MESSAGE];
        // direct buffers spare the JDK a temporary native buffer per receive and per send
        ByteBuffer received = ByteBuffer.allocateDirect(Wire.MAX_MESSAGE);
        ByteBuffer reply = ByteBuffer.allocateDirect(Wire.MAX_MESSAGE);
        Responder responder = answers.responder();
        while (channel.isOpen()) {
            try {
                received.clear();
                SocketAddress client = channel.receive(received);
                int length = received.position();
                received.get(0, in, 0, length);
                int n = answers.respond(query, in, length, out, address(client));
                if (n > 0) {
                    reply.clear();
                    reply.put(out.buf, 0, n).flip();
                    channel.send(reply, client);
                } else if (n == Responder.LATER) {
                    responder.answerLater(query, true, (late, answer, size) -> {
                        int m = answers.limited(late, answer, size, address(client));
                        if (m > 0) {
                            channel.send(ByteBuffer.wrap(answer.buf, 0, m), client);
                        }
                    });
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // one client's unreachable address must not stop the others
                LOG.debug("dns: udp on {}: {}", channel, e.toString());
            } catch (RuntimeException e) {
                // the responder answers SERVFAIL to its own failures; this is a bug around it, and a lost worker would be worse
                LOG.error("dns: udp worker on {} failed; it goes on", channel, e);
            }
        }
    }

    private static byte[] address(SocketAddress client) {
        return ((InetSocketAddress) client).getAddress().getAddress();
    }

    @Override
    public void close() {
        for (DatagramChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("dns: closing udp {}: {}", channel, e.toString());
            }
        }
        for (Thread t : workers) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
