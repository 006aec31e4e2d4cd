// Load generator for bench/relay: plays both phones of N calls from two sockets (A and B
// sides), each call sending RATE packets per second per direction, and counts what comes
// back. Two sockets with sendmmsg/recvmmsg keep the generator cheap next to the relay,
// which still sees one socket per stream.
//
//   rtpgen N RATE SECONDS SIZE   prints "A-port B-port", then reads N lines
//                                "port-A-sends-to port-B-sends-to" and runs.
// Output (one line): sent=X received=Y
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int bind_any(void) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int big = 64 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big);
    if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) { perror("bind"); exit(1); }
    return fd;
}

static int port_of(int fd) {
    struct sockaddr_in sin; socklen_t l = sizeof sin;
    getsockname(fd, (struct sockaddr *)&sin, &l);
    return ntohs(sin.sin_port);
}

static double now(void) {
    struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile int running = 1;
static uint64_t received[2];
static int fds[2];

static void *receiver(void *arg) {
    int side = (int)(intptr_t)arg;
    enum { B = 256 };
    static __thread struct mmsghdr m[B]; static __thread struct iovec io[B]; static __thread char buf[B][2048];
    for (int i = 0; i < B; i++) { io[i].iov_base = buf[i]; io[i].iov_len = 2048; m[i].msg_hdr.msg_iov = &io[i]; m[i].msg_hdr.msg_iovlen = 1; }
    struct timespec to = { 0, 100000000 };
    struct timeval tv = { 0, 100000 };
    setsockopt(fds[side], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (running) {
        int n = recvmmsg(fds[side], m, B, MSG_WAITFORONE, &to);
        if (n > 0) __atomic_add_fetch(&received[side], n, __ATOMIC_RELAXED);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: rtpgen N RATE SECONDS SIZE\n"); return 2; }
    int n = atoi(argv[1]), rate = atoi(argv[2]), size = atoi(argv[4]);
    double seconds = atof(argv[3]);
    fds[0] = bind_any(); fds[1] = bind_any();
    printf("%d %d\n", port_of(fds[0]), port_of(fds[1])); fflush(stdout);
    struct sockaddr_in *dst[2];
    dst[0] = calloc(n, sizeof **dst); dst[1] = calloc(n, sizeof **dst);
    for (int i = 0; i < n; i++) {
        int pa, pb;
        if (scanf("%d %d", &pa, &pb) != 2) { fprintf(stderr, "rtpgen: short port list\n"); return 2; }
        for (int s = 0; s < 2; s++) {
            dst[s][i].sin_family = AF_INET;
            dst[s][i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            dst[s][i].sin_port = htons(s == 0 ? pa : pb);
        }
    }
    pthread_t rx[2];
    for (int s = 0; s < 2; s++) pthread_create(&rx[s], NULL, receiver, (void *)(intptr_t)s);

    // One tick per millisecond; stream i sends in the ticks where i % period == tick % period.
    int period = rate >= 1000 ? 1 : 1000 / rate;
    int per_tick = rate >= 1000 ? rate / 1000 : 1;
    int cap = n / period + 2;
    struct mmsghdr *m = calloc((size_t)cap * per_tick, sizeof *m);
    struct iovec *io = calloc((size_t)cap * per_tick, sizeof *io);
    unsigned char *pkt = calloc((size_t)cap * per_tick, (size_t)size);
    uint16_t *seq = calloc(n, sizeof *seq);
    uint64_t sent = 0;
    double start = now(), next = start;
    long tick = 0;
    while (now() - start < seconds) {
        for (int s = 0; s < 2; s++) {
            int k = 0;
            for (int i = (int)(tick % period); i < n; i += period) {
                for (int r = 0; r < per_tick; r++) {
                    unsigned char *p = pkt + (size_t)k * size;
                    memset(p, 0xd5, size);
                    p[0] = 0x80; p[1] = 0; p[2] = seq[i] >> 8; p[3] = seq[i] & 0xff;
                    uint32_t ssrc = (uint32_t)i * 2 + s;
                    p[8] = ssrc >> 24; p[9] = ssrc >> 16; p[10] = ssrc >> 8; p[11] = ssrc;
                    if (s == 1) seq[i]++;
                    io[k].iov_base = p; io[k].iov_len = size;
                    m[k].msg_hdr.msg_iov = &io[k]; m[k].msg_hdr.msg_iovlen = 1;
                    m[k].msg_hdr.msg_name = &dst[s][i]; m[k].msg_hdr.msg_namelen = sizeof dst[s][i];
                    k++;
                }
            }
            int done = 0;
            while (done < k) {
                int r = sendmmsg(fds[s], m + done, k - done, 0);
                if (r <= 0) break;
                done += r;
            }
            sent += done;
        }
        tick++;
        next += 0.001;
        double wait = next - now();
        if (wait > 0) { struct timespec ts = { 0, (long)(wait * 1e9) }; nanosleep(&ts, NULL); }
    }
    // Let the last packets drain through the relay.
    struct timespec ts = { 0, 300000000 }; nanosleep(&ts, NULL);
    running = 0;
    for (int s = 0; s < 2; s++) pthread_join(rx[s], NULL);
    printf("sent=%lu received=%lu\n", (unsigned long)sent, (unsigned long)(received[0] + received[1]));
    return 0;
}
