package io.bucketdns.frontend.dns;

/**
 * Which CPU each batched UDP worker stays on, so that the kernel's steering ({@link
 * LinuxUdp#steerByCpu}: datagram to socket {@code cpu % sockets}) hands every datagram to the
 * worker on the CPU it arrived on, as Knot's {@code socket-affinity} does. Measured on loopback
 * (docs/BENCHMARKS.md): with it, a worker runs when the CPU's other work yields, so a system call
 * moves about three times as many datagrams; Knot without it spent 1.8x the CPU per answer.
 */
final class CpuAffinity {
    private CpuAffinity() {}

    /**
     * The CPU of each of {@code sockets} workers, worker {@code i} serving socket {@code i}: the
     * allowed CPU whose number is {@code i} modulo {@code sockets}. Null when the allowed CPUs do
     * not give each socket exactly one (more workers than CPUs, or CPU numbers that collide modulo
     * the count, as a cpuset of CPUs 2 and 4 would): steering would then starve some sockets.
     */
    static int[] plan(int[] allowedCpus, int sockets) {
        if (allowedCpus.length != sockets) {
            return null;
        }
        int[] cpuOf = new int[sockets];
        boolean[] taken = new boolean[sockets];
        for (int cpu : allowedCpus) {
            int socket = cpu % sockets;
            if (taken[socket]) {
                return null;
            }
            taken[socket] = true;
            cpuOf[socket] = cpu;
        }
        return cpuOf;
    }
}
