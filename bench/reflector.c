/*
 * The ceiling of bench/dnsperf-compare: a UDP "server" that does no DNS at all. Each thread (one
 * per core) has its own SO_REUSEPORT socket on 127.0.0.1:PORT, takes what waits with recvmmsg
 * (up to 32), sets the QR bit of each datagram and sends them all back with sendmmsg. Whatever a
 * real server reaches is under this: what the kernel and dnsperf allow on this machine.
 * It exits by itself after SECONDS (a bound for a benchmark left running).
 *   cc -O2 -pthread -o reflector bench/reflector.c && ./reflector PORT SECONDS
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 32
#define SIZE 4096

static int port;

static void *serve(void *arg) {
    (void) arg;
    int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(fd, (struct sockaddr *) &a, sizeof a) < 0) { perror("bind"); exit(1); }
    static __thread char buf[BATCH][SIZE];
    struct sockaddr_in peer[BATCH];
    struct iovec iov[BATCH];
    struct mmsghdr m[BATCH];
    for (;;) {
        for (int i = 0; i < BATCH; i++) {
            iov[i] = (struct iovec) { buf[i], SIZE };
            m[i].msg_hdr = (struct msghdr) { .msg_name = &peer[i], .msg_namelen = sizeof peer[i], .msg_iov = &iov[i], .msg_iovlen = 1 };
        }
        int n = recvmmsg(fd, m, BATCH, MSG_WAITFORONE, NULL);
        if (n <= 0) continue;
        for (int i = 0; i < n; i++) {
            if (m[i].msg_len > 2) buf[i][2] |= 0x80;
            iov[i].iov_len = m[i].msg_len;
        }
        sendmmsg(fd, m, n, 0);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: reflector PORT SECONDS\n"); return 2; }
    port = atoi(argv[1]);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    for (long i = 0; i < cores; i++) {
        pthread_t t;
        pthread_create(&t, NULL, serve, NULL);
    }
    sleep((unsigned) atoi(argv[2]));
    return 0;
}
