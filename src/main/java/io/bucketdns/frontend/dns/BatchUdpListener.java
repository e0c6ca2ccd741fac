package io.bucketdns.frontend.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP on one address through {@code recvmmsg}/{@code sendmmsg} ({@link UdpIo#BATCHED}): each
 * worker has a socket of its own on the port ({@code SO_REUSEPORT}, the kernel spreading clients
 * over them), takes whatever datagrams wait in one call, answers them all and sends the answers in
 * one call. Under load a system call moves up to {@value #BATCH} datagrams instead of one; a lone
 * query is never held back, as a receive returns as soon as one datagram is there. Given a CPU
 * per worker ({@link CpuAffinity}), each worker stays on its CPU and gets the datagrams that
 * arrive there.
 *
 * <p>The rules are the NIO path's ({@link UdpAnswers}): the same responder, the rate limit on
 * every answer, and an answer that waits for an RGW look-up sent by the thread that has it, so a
 * worker never waits for RGW. Such a late answer takes a read lock, and closing the sockets the
 * write lock, so it can never go out on a descriptor number the system gave to something else.
 *
 * <p>A datagram over {@value #RECEIVE_SIZE} bytes gets no answer and counts as malformed: no DNS
 * client sends a query that long (a question, an OPT record, a cookie, a TSIG: well under 1 KB),
 * and a cut query cannot be answered right.
 */
final class BatchUdpListener implements UdpEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(BatchUdpListener.class);
    /** Datagrams per system call: Knot's and NSD's order of magnitude; more gains nothing measurable. */
    static final int BATCH = 32;
    static final int RECEIVE_SIZE = 4096;
    private static final long ERROR_PAUSE_MILLIS = 10;

    private final int[] fds;
    private final InetSocketAddress address;
    private final UdpAnswers answers;
    private final int maxAnswer;
    private final List<Thread> workers = new ArrayList<>();
    private final ReadWriteLock open = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /**
     * Worker {@code i} serves {@code fds[i % fds.length]}, sockets from {@link LinuxUdp#open} this
     * listener owns from now on, bound to {@code address}.
     *
     * @param maxAnswer the largest UDP answer the responder writes
     * @param cpus the CPU worker {@code i} stays on, for each worker; null to let the system place them
     */
    BatchUdpListener(int[] fds, InetSocketAddress address, UdpAnswers answers, int workers, int maxAnswer, int[] cpus) {
        this.fds = fds.clone();
        this.address = address;
        this.answers = answers;
        this.maxAnswer = maxAnswer;
        for (int i = 0; i < workers; i++) {
            int fd = this.fds[i % this.fds.length];
            int cpu = cpus == null ? -1 : cpus[i];
            this.workers.add(Thread.ofPlatform().daemon().name("dns-udp-" + address + "-" + i).unstarted(() -> {
                pin(cpu);
                serve(fd);
            }));
        }
    }

    @Override
    public void start() {
        workers.forEach(Thread::start);
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    private void serve(int fd) {
        try (Datagrams batch = new Datagrams(BATCH, RECEIVE_SIZE, maxAnswer)) {
            Query query = new Query();
            Wire out = new Wire(0);
            byte[] in = new byte[RECEIVE_SIZE];
            while (!closed) {
                int n;
                try {
                    n = batch.receive(fd, true);
                } catch (IOException e) {
                    if (!closed) {
                        LOG.warn("dns: udp on {}: {}", address, e.getMessage());
                        pause(); // a failing socket (ENOMEM) must not turn the worker into a log-writing spin
                    }
                    continue;
                }
                if (closed) {
                    return; // woken by close(): the empty datagrams it makes are no queries
                }
                for (int i = 0; i < n; i++) {
                    try {
                        answer(fd, batch, i, query, out, in);
                    } catch (RuntimeException e) {
                        // the responder answers SERVFAIL to its own failures; this is a bug around it, and a lost worker would be worse
                        LOG.error("dns: udp worker on {} failed on a datagram; it goes on", address, e);
                    }
                }
                int refused = batch.flush(fd);
                if (refused > 0) {
                    LOG.debug("dns: udp on {}: {} answers refused by the kernel", address, refused);
                }
            }
        }
    }

    private void pin(int cpu) {
        if (cpu >= 0) {
            try {
                LinuxUdp.pinCurrentThread(cpu);
            } catch (IOException e) {
                LOG.warn("dns: udp on {}: a worker stays unpinned: {}", address, e.getMessage());
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(ERROR_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void answer(int fd, Datagrams batch, int i, Query query, Wire out, byte[] in) {
        Responder responder = answers.responder();
        if (batch.truncated(i)) {
            responder.malformed(true, -1);
            return;
        }
        int length = batch.copy(i, in);
        int n = answers.respond(query, in, length, out, batch.sender(i));
        if (n > 0) {
            batch.reply(i, out.buf, n);
        } else if (n == Responder.LATER) {
            Datagrams.Peer peer = batch.peer(i);
            responder.answerLater(query, true, (late, answer, size) -> {
                int m = answers.limited(late, answer, size, peer.address());
                if (m > 0) {
                    sendLate(fd, peer, answer.buf, m);
                }
            });
        }
    }

    private void sendLate(int fd, Datagrams.Peer peer, byte[] answer, int length) throws IOException {
        open.readLock().lock();
        try {
            if (!closed) {
                Datagrams.sendOne(fd, peer, answer, length);
            }
        } finally {
            open.readLock().unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (int fd : fds) {
            LinuxUdp.shutdown(fd);
        }
        for (Thread t : workers) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        open.writeLock().lock();
        try {
            for (int fd : fds) {
                LinuxUdp.close(fd);
            }
        } finally {
            open.writeLock().unlock();
        }
    }
}
