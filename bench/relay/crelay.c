// The physical-limit baseline for bench/relay: the least a userspace relay can do. One
// thread, epoll, recvmmsg/sendmmsg, preallocated buffers, static forwarding (no learning,
// no counters beyond a total). Binds N socket pairs on loopback, prints their ports, and
// forwards what arrives on a call's A socket out of its B socket to the B phone, and back.
//
//   crelay N A-PHONE-PORT B-PHONE-PORT   prints N lines "a-port b-port", runs until killed.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>

enum { BATCH = 32 };

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: crelay N A-PORT B-PORT\n"); return 2; }
    int n = atoi(argv[1]);
    struct sockaddr_in phone[2];
    for (int s = 0; s < 2; s++) {
        phone[s] = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                                         .sin_port = htons(atoi(argv[2 + s])) };
    }
    int *fd = calloc(2 * n, sizeof *fd);
    int ep = epoll_create1(0);
    for (int i = 0; i < 2 * n; i++) {
        fd[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        if (bind(fd[i], (struct sockaddr *)&sin, sizeof sin) < 0) { perror("bind"); return 1; }
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
        epoll_ctl(ep, EPOLL_CTL_ADD, fd[i], &ev);
    }
    for (int i = 0; i < n; i++) {
        struct sockaddr_in a, b; socklen_t l = sizeof a;
        getsockname(fd[2 * i], (struct sockaddr *)&a, &l); l = sizeof b;
        getsockname(fd[2 * i + 1], (struct sockaddr *)&b, &l);
        printf("%d %d\n", ntohs(a.sin_port), ntohs(b.sin_port));
    }
    fflush(stdout);
    static struct mmsghdr m[BATCH]; static struct iovec io[BATCH]; static char buf[BATCH][2048];
    struct epoll_event ev[64];
    for (;;) {
        int k = epoll_wait(ep, ev, 64, -1);
        for (int e = 0; e < k; e++) {
            int i = (int)ev[e].data.u32;
            // Arrived on the A socket (even): out of the B socket to the B phone, and back.
            int out = i ^ 1, side = (i & 1) ? 0 : 1;
            for (;;) {
                for (int j = 0; j < BATCH; j++) {
                    io[j].iov_base = buf[j]; io[j].iov_len = sizeof buf[j];
                    m[j].msg_hdr.msg_iov = &io[j]; m[j].msg_hdr.msg_iovlen = 1;
                    m[j].msg_hdr.msg_name = NULL; m[j].msg_hdr.msg_namelen = 0;
                }
                int r = recvmmsg(fd[i], m, BATCH, MSG_DONTWAIT, NULL);
                if (r <= 0) break;
                for (int j = 0; j < r; j++) {
                    io[j].iov_len = m[j].msg_len;
                    m[j].msg_hdr.msg_name = &phone[side]; m[j].msg_hdr.msg_namelen = sizeof phone[side];
                }
                sendmmsg(fd[out], m, r, MSG_DONTWAIT);
                if (r < BATCH) break;
            }
        }
    }
}
