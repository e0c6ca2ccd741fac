package io.bucketdns.frontend.dns;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The few Linux socket calls the batched UDP path needs, through the FFM API: {@code socket},
 * {@code setsockopt}, {@code bind}, {@code getsockname}, {@code recvmmsg}, {@code sendmmsg},
 * {@code sendmsg}, {@code shutdown}, {@code close}, and {@code sched_getaffinity}/{@code
 * sched_setaffinity} to keep each worker on the CPU its datagrams arrive on. The JDK's {@code DatagramChannel} moves one
 * datagram per system call and cannot read a datagram's destination address ({@code IP_PKTINFO}),
 * which a wildcard socket needs to answer from the address asked.
 *
 * <p>The struct offsets are those of Linux on 64-bit x86 and ARM (LP64, the generic socket ABI);
 * {@link #unavailable()} says why another system gets the NIO path instead. Every call captures
 * {@code errno}, so a failure reads as the system's own message.
 */
final class LinuxUdp {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUF = 8;
    private static final int SO_REUSEPORT = 15;
    private static final int SO_ATTACH_REUSEPORT_CBPF = 51;
    /** {@code cpu_set_t}: 1024 bits. */
    private static final int CPU_SET_SIZE = 128;
    static final int IPPROTO_IP = 0;
    static final int IP_PKTINFO = 8;
    static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int IPV6_RECVPKTINFO = 49;
    static final int IPV6_PKTINFO = 50;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_WAITFORONE = 0x10000;
    private static final int SHUT_RDWR = 2;
    static final int EINTR = 4;
    static final int EAGAIN = 11;

    /** {@code struct sockaddr_in6}, the larger of the two address structs; room for either. */
    static final int SOCKADDR_SIZE = 28;
    /** {@code struct msghdr}: name, namelen, iov, iovlen, control, controllen, flags. */
    static final int MSGHDR_NAME = 0;
    static final int MSGHDR_NAMELEN = 8;
    static final int MSGHDR_IOV = 16;
    static final int MSGHDR_IOVLEN = 24;
    static final int MSGHDR_CONTROL = 32;
    static final int MSGHDR_CONTROLLEN = 40;
    static final int MSGHDR_FLAGS = 48;
    /** {@code struct mmsghdr}: a msghdr, then the datagram's length; 8-byte aligned. */
    static final int MMSGHDR_LEN = 56;
    static final int MMSGHDR_SIZE = 64;
    /** {@code struct iovec}: base, length. */
    static final int IOVEC_SIZE = 16;
    /** {@code struct cmsghdr}: len (size_t), level, type, then the data, 8-byte aligned. */
    static final int CMSG_LEVEL = 8;
    static final int CMSG_TYPE = 12;
    static final int CMSG_DATA = 16;
    /** CMSG_SPACE of {@code struct in_pktinfo} (ifindex, spec_dst, addr: 12 bytes). */
    static final int CMSG_SPACE_PKTINFO = 32;
    /** CMSG_SPACE of {@code struct in6_pktinfo} (addr, ifindex: 20 bytes). */
    static final int CMSG_SPACE_PKTINFO6 = 40;

    static final ValueLayout.OfShort NET_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final String WHY_NOT;
    private static final ErrnoLayout ERRNO;
    private static final MethodHandle SOCKET;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle BIND;
    private static final MethodHandle GETSOCKNAME;
    private static final MethodHandle RECVMMSG;
    private static final MethodHandle SENDMMSG;
    private static final MethodHandle SENDMSG;
    private static final MethodHandle SHUTDOWN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle STRERROR;
    private static final MethodHandle GETAFFINITY;
    private static final MethodHandle SETAFFINITY;

    /** The captured call state's layout and its errno handle. */
    private record ErrnoLayout(MemoryLayout layout, VarHandle errno) {}

    static {
        String why = null;
        ErrnoLayout errno = null;
        MethodHandle[] h = new MethodHandle[12];
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("linux")) {
            why = "not Linux (" + System.getProperty("os.name") + ")";
        } else if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            why = "the socket structs are laid out for x86-64 and ARM64 only, not " + arch;
        } else {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Linker.Option capture = Linker.Option.captureCallState("errno");
                MemoryLayout state = Linker.Option.captureStateLayout();
                errno = new ErrnoLayout(state, state.varHandle(MemoryLayout.PathElement.groupElement("errno")));
                ValueLayout i = ValueLayout.JAVA_INT;
                ValueLayout l = ValueLayout.JAVA_LONG;
                ValueLayout p = ValueLayout.ADDRESS;
                h[0] = linker.downcallHandle(libc.findOrThrow("socket"), FunctionDescriptor.of(i, i, i, i), capture);
                h[1] = linker.downcallHandle(libc.findOrThrow("setsockopt"), FunctionDescriptor.of(i, i, i, i, p, i), capture);
                h[2] = linker.downcallHandle(libc.findOrThrow("bind"), FunctionDescriptor.of(i, i, p, i), capture);
                h[3] = linker.downcallHandle(libc.findOrThrow("getsockname"), FunctionDescriptor.of(i, i, p, p), capture);
                h[4] = linker.downcallHandle(libc.findOrThrow("recvmmsg"), FunctionDescriptor.of(i, i, p, i, i, p), capture);
                h[5] = linker.downcallHandle(libc.findOrThrow("sendmmsg"), FunctionDescriptor.of(i, i, p, i, i), capture);
                h[6] = linker.downcallHandle(libc.findOrThrow("sendmsg"), FunctionDescriptor.of(l, i, p, i), capture);
                h[7] = linker.downcallHandle(libc.findOrThrow("shutdown"), FunctionDescriptor.of(i, i, i), capture);
                h[8] = linker.downcallHandle(libc.findOrThrow("close"), FunctionDescriptor.of(i, i), capture);
                h[9] = linker.downcallHandle(libc.findOrThrow("strerror"), FunctionDescriptor.of(p, i));
                h[10] = linker.downcallHandle(libc.findOrThrow("sched_getaffinity"), FunctionDescriptor.of(i, i, l, p), capture);
                h[11] = linker.downcallHandle(libc.findOrThrow("sched_setaffinity"), FunctionDescriptor.of(i, i, l, p), capture);
            } catch (RuntimeException | LinkageError e) {
                why = "the C library's socket calls cannot be linked: " + e;
            }
        }
        WHY_NOT = why;
        ERRNO = errno;
        SOCKET = h[0];
        SETSOCKOPT = h[1];
        BIND = h[2];
        GETSOCKNAME = h[3];
        RECVMMSG = h[4];
        SENDMMSG = h[5];
        SENDMSG = h[6];
        SHUTDOWN = h[7];
        CLOSE = h[8];
        STRERROR = h[9];
        GETAFFINITY = h[10];
        SETAFFINITY = h[11];
    }

    private LinuxUdp() {}

    /** Why the batched path cannot run here; null when it can. */
    static String unavailable() {
        return WHY_NOT;
    }

    /** Room for one call's errno; each thread making calls holds one, so calls allocate nothing. */
    static MemorySegment errnoSlot(Arena arena) {
        return arena.allocate(ERRNO.layout());
    }

    static int errno(MemorySegment slot) {
        return (int) ERRNO.errno().get(slot, 0L);
    }

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /**
     * A UDP socket bound to {@code address}, with {@code SO_REUSEPORT} so that each worker can
     * have one on the same port. A wildcard address gets the destination of each datagram
     * ({@code IP_PKTINFO}, {@code IPV6_RECVPKTINFO}); {@code ::} takes IPv4 too.
     *
     * @return the file descriptor
     * @throws BindException when the address is taken or not the host's
     */
    static int open(InetSocketAddress address, int receiveBuffer) throws IOException {
        boolean v6 = address.getAddress() instanceof Inet6Address;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(arena);
            int fd = (int) SOCKET.invokeExact(err, v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException("socket: " + strerror(errno(err)));
            }
            try {
                setInt(arena, err, fd, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
                setInt(arena, err, fd, SOL_SOCKET, SO_RCVBUF, receiveBuffer, "SO_RCVBUF");
                if (v6) {
                    setInt(arena, err, fd, IPPROTO_IPV6, IPV6_V6ONLY, address.getAddress().isAnyLocalAddress() ? 0 : 1, "IPV6_V6ONLY");
                }
                if (address.getAddress().isAnyLocalAddress()) {
                    if (v6) {
                        setInt(arena, err, fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
                    } else {
                        setInt(arena, err, fd, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO");
                    }
                }
                MemorySegment name = arena.allocate(SOCKADDR_SIZE, 8);
                int length = writeAddress(name, address);
                if ((int) BIND.invokeExact(err, fd, name, length) < 0) {
                    throw new BindException(strerror(errno(err)));
                }
                return fd;
            } catch (IOException | RuntimeException e) {
                close(fd);
                throw e;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void setInt(Arena arena, MemorySegment err, int fd, int level, int option, int value, String what) throws IOException {
        MemorySegment v = arena.allocateFrom(ValueLayout.JAVA_INT, value);
        int r;
        try {
            r = (int) SETSOCKOPT.invokeExact(err, fd, level, option, v, 4);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (r < 0) {
            throw new IOException("setsockopt " + what + ": " + strerror(errno(err)));
        }
    }

    /** The CPUs the calling thread may run on, ascending. */
    static int[] allowedCpus() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(arena);
            MemorySegment mask = arena.allocate(CPU_SET_SIZE, 8);
            if ((int) GETAFFINITY.invokeExact(err, 0, (long) CPU_SET_SIZE, mask) < 0) {
                throw new IOException("sched_getaffinity: " + strerror(errno(err)));
            }
            return java.util.stream.IntStream.range(0, CPU_SET_SIZE * 8)
                    .filter(cpu -> (mask.get(ValueLayout.JAVA_BYTE, cpu / 8) & (1 << (cpu % 8))) != 0).toArray();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Keeps the calling thread on {@code cpu} alone. */
    static void pinCurrentThread(int cpu) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(arena);
            MemorySegment mask = arena.allocate(CPU_SET_SIZE, 8);
            mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            if ((int) SETAFFINITY.invokeExact(err, 0, (long) CPU_SET_SIZE, mask) < 0) {
                throw new IOException("sched_setaffinity to CPU " + cpu + ": " + strerror(errno(err)));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Steers each datagram of {@code fd}'s {@code SO_REUSEPORT} group to socket {@code cpu %
     * sockets} of the group (in the order they were bound), {@code cpu} being the one the datagram
     * arrived on: a classic BPF program {@code ld #cpu; mod #sockets; ret a}, as Knot's {@code
     * socket-affinity} attaches.
     */
    static void steerByCpu(int fd, int sockets) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(arena);
            MemorySegment program = arena.allocate(8 * 3, 8); // struct sock_filter {u16 code; u8 jt, jf; u32 k}
            filter(program, 0, 0x20, 0xFFFFF000 + 36); // BPF_LD|BPF_W|BPF_ABS, SKF_AD_OFF + SKF_AD_CPU
            filter(program, 1, 0x94, sockets); // BPF_ALU|BPF_MOD|BPF_K
            filter(program, 2, 0x16, 0); // BPF_RET|BPF_A
            MemorySegment fprog = arena.allocate(16, 8); // struct sock_fprog {u16 len; struct sock_filter *filter}
            fprog.set(ValueLayout.JAVA_SHORT, 0, (short) 3);
            fprog.set(ValueLayout.ADDRESS, 8, program);
            if ((int) SETSOCKOPT.invokeExact(err, fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, fprog, 16) < 0) {
                throw new IOException("setsockopt SO_ATTACH_REUSEPORT_CBPF: " + strerror(errno(err)));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void filter(MemorySegment program, int i, int code, int k) {
        program.set(ValueLayout.JAVA_SHORT, 8L * i, (short) code);
        program.set(ValueLayout.JAVA_INT, 8L * i + 4, k);
    }

    /** The address {@code fd} is bound to (its port, when it was 0, the one the system chose). */
    static InetSocketAddress localAddress(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = errnoSlot(arena);
            MemorySegment name = arena.allocate(SOCKADDR_SIZE, 8);
            MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, SOCKADDR_SIZE);
            if ((int) GETSOCKNAME.invokeExact(err, fd, name, length) < 0) {
                throw new IOException("getsockname: " + strerror(errno(err)));
            }
            return readAddress(name);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code recvmmsg(fd, vector, count, flags, NULL)}: datagrams received, or -1 with the errno in {@code err}. */
    static int recvmmsg(MemorySegment err, int fd, MemorySegment vector, int count, int flags) {
        try {
            return (int) RECVMMSG.invokeExact(err, fd, vector, count, flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code sendmmsg(fd, vector, count, 0)}: datagrams sent, or -1 with the errno in {@code err}. */
    static int sendmmsg(MemorySegment err, int fd, MemorySegment vector, int count) {
        try {
            return (int) SENDMMSG.invokeExact(err, fd, vector, count, 0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code sendmsg(fd, header, 0)}: bytes sent, or -1 with the errno in {@code err}. */
    static long sendmsg(MemorySegment err, int fd, MemorySegment header) {
        try {
            return (long) SENDMSG.invokeExact(err, fd, header, 0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Wakes every thread blocked in {@code recvmmsg} on {@code fd}: they return with empty
     * datagrams. Linux answers ENOTCONN for an unconnected UDP socket, but wakes them all the same.
     */
    static void shutdown(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) SHUTDOWN.invokeExact(errnoSlot(arena), fd, SHUT_RDWR);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(errnoSlot(arena), fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Writes {@code address} as a {@code sockaddr_in} or {@code sockaddr_in6}; returns its length. */
    static int writeAddress(MemorySegment to, InetSocketAddress address) {
        to.fill((byte) 0);
        byte[] ip = address.getAddress().getAddress();
        if (ip.length == 4) {
            to.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            to.set(NET_SHORT, 2, (short) address.getPort());
            MemorySegment.copy(ip, 0, to, ValueLayout.JAVA_BYTE, 4, 4);
            return 16;
        }
        to.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
        to.set(NET_SHORT, 2, (short) address.getPort());
        MemorySegment.copy(ip, 0, to, ValueLayout.JAVA_BYTE, 8, 16);
        to.set(ValueLayout.JAVA_INT, 24, ((Inet6Address) address.getAddress()).getScopeId());
        return SOCKADDR_SIZE;
    }

    /** Reads a {@code sockaddr_in} or {@code sockaddr_in6}; an IPv4-mapped IPv6 address reads as IPv4. */
    static InetSocketAddress readAddress(MemorySegment from) {
        int port = Short.toUnsignedInt(from.get(NET_SHORT, 2));
        byte[] ip = from.get(ValueLayout.JAVA_SHORT, 0) == AF_INET
                ? from.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE)
                : from.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
