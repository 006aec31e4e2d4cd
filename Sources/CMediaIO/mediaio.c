#define _GNU_SOURCE
#include "mediaio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

struct mio_batch {
    struct mmsghdr rx[MIO_BATCH];
    struct iovec rx_iov[MIO_BATCH];
    mio_addr src[MIO_BATCH];
    int len[MIO_BATCH];
    struct mmsghdr tx[MIO_BATCH];
    struct iovec tx_iov[MIO_BATCH];
    mio_addr dst[MIO_BATCH];
    unsigned char buf[MIO_BATCH][MIO_BUFSIZE];
};

// Set once the kernel refuses recvmmsg/sendmmsg (ENOSYS, or a socket type that does not
// take them): from then on one recvmsg/sendmsg per datagram.
static int no_mmsg;

int mio_batching(void) { return !__atomic_load_n(&no_mmsg, __ATOMIC_RELAXED); }
void mio_set_batching(int on) { __atomic_store_n(&no_mmsg, !on, __ATOMIC_RELAXED); }

static int refuses_batches(int e) { return e == ENOSYS || e == EOPNOTSUPP || e == EINVAL; }

// Points received message i at buffer i (`size` bytes each, from `buf`) and at its source
// address, and sent message i at its own iovec; the media and ng batches share this layout.
static void wire(struct mmsghdr *rx, struct iovec *rx_iov, mio_addr *src, unsigned char *buf, size_t size,
                 struct mmsghdr *tx, struct iovec *tx_iov, int count) {
    for (int i = 0; i < count; i++) {
        rx_iov[i].iov_base = buf + (size_t)i * size;
        rx_iov[i].iov_len = size;
        rx[i].msg_hdr.msg_iov = &rx_iov[i];
        rx[i].msg_hdr.msg_iovlen = 1;
        rx[i].msg_hdr.msg_name = &src[i].u;
        tx[i].msg_hdr.msg_iov = &tx_iov[i];
        tx[i].msg_hdr.msg_iovlen = 1;
    }
}

mio_batch *mio_batch_new(void) {
    mio_batch *b = calloc(1, sizeof(*b));
    if (!b) return NULL;
    wire(b->rx, b->rx_iov, b->src, &b->buf[0][0], MIO_BUFSIZE, b->tx, b->tx_iov, MIO_BATCH);
    for (int i = 0; i < MIO_BATCH; i++) b->tx[i].msg_hdr.msg_name = &b->dst[i].u;
    return b;
}

void mio_batch_free(mio_batch *b) { free(b); }

// Receives up to `max` datagrams into `msgs` (names point at `src`) without blocking, in one
// recvmmsg where the kernel takes it; fills each source's length and each datagram's length
// into `lens` (with `keep_truncated`, a datagram longer than its buffer counts as the bytes
// that fit; otherwise as -1). Returns the count, 0 when nothing is queued, -1 on error.
static int recv_all(int fd, struct mmsghdr *msgs, mio_addr *src, int *lens, int max, int keep_truncated) {
    for (int i = 0; i < max; i++) {
        msgs[i].msg_hdr.msg_namelen = sizeof(src[i].u);
        msgs[i].msg_hdr.msg_flags = 0;
    }
    int n = -1;
    if (!__atomic_load_n(&no_mmsg, __ATOMIC_RELAXED)) {
        do {
            n = recvmmsg(fd, msgs, (unsigned)max, MSG_DONTWAIT, NULL);
        } while (n < 0 && errno == EINTR);
        if (n < 0 && refuses_batches(errno)) __atomic_store_n(&no_mmsg, 1, __ATOMIC_RELAXED);
    }
    if (__atomic_load_n(&no_mmsg, __ATOMIC_RELAXED)) {
        for (n = 0; n < max; n++) {
            ssize_t r;
            do {
                r = recvmsg(fd, &msgs[n].msg_hdr, MSG_DONTWAIT);
            } while (r < 0 && errno == EINTR);
            if (r < 0) break;
            msgs[n].msg_len = (unsigned)r;
        }
        if (n == 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    }
    if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    for (int i = 0; i < n; i++) {
        src[i].len = msgs[i].msg_hdr.msg_namelen;
        lens[i] = (!keep_truncated && (msgs[i].msg_hdr.msg_flags & MSG_TRUNC)) ? -1 : (int)msgs[i].msg_len;
    }
    return n;
}

int mio_recv(int fd, mio_batch *b) {
    return recv_all(fd, b->rx, b->src, b->len, MIO_BATCH, 1);
}

unsigned char *mio_rx_data(mio_batch *b, int i) { return b->buf[i]; }
int mio_rx_len(const mio_batch *b, int i) { return b->len[i]; }
const mio_addr *mio_rx_source(const mio_batch *b, int i) { return &b->src[i]; }
void mio_rx_set_len(mio_batch *b, int i, int len) { b->len[i] = len; }

void mio_tx_set(mio_batch *b, int slot, int rx_index, const mio_addr *dst) {
    b->tx_iov[slot].iov_base = b->buf[rx_index];
    b->tx_iov[slot].iov_len = (size_t)b->len[rx_index];
    memcpy(&b->dst[slot], dst, sizeof(*dst));
    b->tx[slot].msg_hdr.msg_namelen = dst->len;
}

// Sends every message, in batches where the kernel takes them; a message that fails
// (unreachable peer, full buffer) is skipped and the rest still go. Returns how many went.
static int send_all(int fd, struct mmsghdr *msgs, int count) {
    int done = 0, ok = 0;
    while (done < count) {
        int n;
        if (__atomic_load_n(&no_mmsg, __ATOMIC_RELAXED)) {
            n = sendmsg(fd, &msgs[done].msg_hdr, MSG_DONTWAIT) < 0 ? -1 : 1;
        } else {
            n = sendmmsg(fd, &msgs[done], (unsigned)(count - done), MSG_DONTWAIT);
            if (n < 0 && refuses_batches(errno)) {
                __atomic_store_n(&no_mmsg, 1, __ATOMIC_RELAXED);
                continue;
            }
        }
        if (n < 0) {
            if (errno == EINTR) continue;
            done++;
            continue;
        }
        if (n == 0) break;
        done += n;
        ok += n;
    }
    return ok;
}

int mio_send(int fd, mio_batch *b, int first, int count) {
    return send_all(fd, &b->tx[first], count);
}

int mio_send_one(int fd, const void *data, int len, const mio_addr *dst) {
    ssize_t n;
    do {
        n = sendto(fd, data, (size_t)len, MSG_DONTWAIT, &dst->u.sa, dst->len);
    } while (n < 0 && errno == EINTR);
    return (int)n;
}

int mio_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int mio_epoll_add(int epfd, int fd, uint64_t data) {
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = data };
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int mio_epoll_del(int epfd, int fd) { return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL); }

int mio_epoll_wait(int epfd, uint64_t *data, int max, int timeout_ms) {
    struct epoll_event ev[64];
    if (max > 64) max = 64;
    int n = epoll_wait(epfd, ev, max, timeout_ms);
    for (int i = 0; i < n; i++) data[i] = ev[i].data.u64;
    return n < 0 ? 0 : n;
}

int mio_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

void mio_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t r = write(fd, &one, sizeof(one));
    (void)r;
}

void mio_eventfd_drain(int fd) {
    uint64_t v;
    ssize_t r = read(fd, &v, sizeof(v));
    (void)r;
}

uint64_t mio_now_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t mio_now_realtime_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int mio_addr_same_host(const mio_addr *a, const mio_addr *b) {
    if (a->u.sa.sa_family != b->u.sa.sa_family) return 0;
    if (a->u.sa.sa_family == AF_INET) return a->u.sin.sin_addr.s_addr == b->u.sin.sin_addr.s_addr;
    if (a->u.sa.sa_family == AF_INET6)
        return memcmp(&a->u.sin6.sin6_addr, &b->u.sin6.sin6_addr, sizeof(struct in6_addr)) == 0;
    return 0;
}

int mio_addr_equal(const mio_addr *a, const mio_addr *b) {
    if (!mio_addr_same_host(a, b)) return 0;
    if (a->u.sa.sa_family == AF_INET) return a->u.sin.sin_port == b->u.sin.sin_port;
    return a->u.sin6.sin6_port == b->u.sin6.sin6_port;
}

void mio_endpoint_publish(mio_slot *s, const mio_addr *a) {
    uint64_t v = __atomic_load_n(&s->endpoint_seq, __ATOMIC_RELAXED);
    __atomic_store_n(&s->endpoint_seq, v + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    memcpy(&s->endpoint, a, sizeof(*a));
    __atomic_store_n(&s->endpoint_seq, v + 2, __ATOMIC_RELEASE);
}

void mio_endpoint_read(const mio_slot *s, mio_addr *out) {
    for (;;) {
        uint64_t before = __atomic_load_n(&s->endpoint_seq, __ATOMIC_ACQUIRE);
        if (before & 1) continue;
        memcpy(out, &s->endpoint, sizeof(*out));
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&s->endpoint_seq, __ATOMIC_RELAXED) == before) return;
    }
}

int mio_replace_fd(int placeholder, int fd) { return dup3(placeholder, fd, O_CLOEXEC); }

int mio_placeholder_socket(void) { return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0); }

// --- ng requests: a few large datagrams at a time -----------------------------------

struct mio_ng_batch {
    struct mmsghdr rx[MIO_NG_BATCH];
    struct iovec rx_iov[MIO_NG_BATCH];
    mio_addr src[MIO_NG_BATCH];
    int len[MIO_NG_BATCH];
    unsigned char *buf;
    struct mmsghdr tx[MIO_NG_BATCH];
    struct iovec tx_iov[MIO_NG_BATCH];
};

mio_ng_batch *mio_ng_batch_new(void) {
    mio_ng_batch *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->buf = malloc((size_t)MIO_NG_BATCH * MIO_NG_BUFSIZE);
    if (!b->buf) {
        free(b);
        return NULL;
    }
    wire(b->rx, b->rx_iov, b->src, b->buf, MIO_NG_BUFSIZE, b->tx, b->tx_iov, MIO_NG_BATCH);
    return b;
}

void mio_ng_batch_free(mio_ng_batch *b) {
    if (!b) return;
    free(b->buf);
    free(b);
}

int mio_ng_recv(int fd, mio_ng_batch *b) {
    return recv_all(fd, b->rx, b->src, b->len, MIO_NG_BATCH, 0);
}

const unsigned char *mio_ng_rx_data(const mio_ng_batch *b, int i) { return b->buf + (size_t)i * MIO_NG_BUFSIZE; }
int mio_ng_rx_len(const mio_ng_batch *b, int i) { return b->len[i]; }
const mio_addr *mio_ng_rx_source(const mio_ng_batch *b, int i) { return &b->src[i]; }

int mio_ng_send(int fd, mio_ng_batch *b, const unsigned char *data, const int *offsets, const int *lens,
                const int *requests, int count) {
    if (count > MIO_NG_BATCH) count = MIO_NG_BATCH;
    for (int i = 0; i < count; i++) {
        b->tx_iov[i].iov_base = (void *)(data + offsets[i]);
        b->tx_iov[i].iov_len = (size_t)lens[i];
        b->tx[i].msg_hdr.msg_name = &b->src[requests[i]].u;
        b->tx[i].msg_hdr.msg_namelen = b->src[requests[i]].len;
    }
    // A reply that cannot go is lost like a dropped datagram: the proxy retransmits.
    return send_all(fd, b->tx, count);
}
