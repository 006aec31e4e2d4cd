// The media threads' system-call layer: batched UDP receive/send (recvmmsg/sendmmsg need
// _GNU_SOURCE, which Swift's Glibc module lacks), epoll and eventfd, and relaxed atomics
// for the counters the control plane reads while a media thread writes them.
#ifndef MEDIAIO_H
#define MEDIAIO_H

#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

#define MIO_BATCH 32
// rtpengine 10.5's media buffer: datagrams up to 8192 bytes are relayed whole, longer ones
// as their first 8192 bytes (and counted as such), as 10.5 relays them.
#define MIO_BUFSIZE 8192

/// A socket address big enough for IPv4 and IPv6, with its length (0: none).
typedef struct mio_addr {
    union {
        struct sockaddr sa;
        struct sockaddr_in sin;
        struct sockaddr_in6 sin6;
    } u;
    socklen_t len;
} mio_addr;

/// One media thread's preallocated receive and send state.
typedef struct mio_batch mio_batch;

mio_batch *mio_batch_new(void);
/// Whether datagrams still move in batches (0 once the kernel refused recvmmsg/sendmmsg).
int mio_batching(void);
void mio_set_batching(int on);
void mio_batch_free(mio_batch *b);

/// Receives up to MIO_BATCH datagrams from `fd` without blocking; returns the count
/// (0 when nothing is queued, -1 on another error).
int mio_recv(int fd, mio_batch *b);
unsigned char *mio_rx_data(mio_batch *b, int i);
/// The datagram's length (at most MIO_BUFSIZE: a longer one arrives truncated to it).
int mio_rx_len(const mio_batch *b, int i);
const mio_addr *mio_rx_source(const mio_batch *b, int i);
/// Replaces received datagram `i`'s length (after editing it in place).
void mio_rx_set_len(mio_batch *b, int i, int len);

/// Queues received datagram `i` for sending to `dst` at position `slot` of the send list.
void mio_tx_set(mio_batch *b, int slot, int rx_index, const mio_addr *dst);
/// Sends send-list entries [first, first+count) from `fd`; returns how many the kernel took.
int mio_send(int fd, mio_batch *b, int first, int count);
/// Sends one datagram (an empty one is allowed) from `fd` to `dst`.
int mio_send_one(int fd, const void *data, int len, const mio_addr *dst);

/// ng requests: up to MIO_NG_BATCH datagrams of up to MIO_NG_BUFSIZE bytes per call, so
/// requests queued together are answered with one sendmmsg (one wake-up of the proxy).
#define MIO_NG_BATCH 16
#define MIO_NG_BUFSIZE 65536
typedef struct mio_ng_batch mio_ng_batch;
mio_ng_batch *mio_ng_batch_new(void);
void mio_ng_batch_free(mio_ng_batch *b);
/// Receives up to MIO_NG_BATCH requests without blocking; the count (0: none, -1: error).
int mio_ng_recv(int fd, mio_ng_batch *b);
const unsigned char *mio_ng_rx_data(const mio_ng_batch *b, int i);
/// The request's length, or -1 when it was truncated.
int mio_ng_rx_len(const mio_ng_batch *b, int i);
const mio_addr *mio_ng_rx_source(const mio_ng_batch *b, int i);
/// Sends `count` replies, reply i being `lens[i]` bytes at `data + offsets[i]`, to the
/// source of request `requests[i]`; returns how many the kernel took.
int mio_ng_send(int fd, mio_ng_batch *b, const unsigned char *data, const int *offsets, const int *lens,
                const int *requests, int count);

int mio_epoll_create(void);
int mio_epoll_add(int epfd, int fd, uint64_t data);
int mio_epoll_del(int epfd, int fd);
/// Waits for events; fills `data` with each ready descriptor's tag; returns the count.
int mio_epoll_wait(int epfd, uint64_t *data, int max, int timeout_ms);

/// An unbound UDP socket to stand in for released ones (see `mio_replace_fd`).
int mio_placeholder_socket(void);
/// Makes `fd` another descriptor of `placeholder` (the file `fd` named is closed), close-on-exec.
int mio_replace_fd(int placeholder, int fd);

int mio_eventfd(void);
void mio_eventfd_signal(int fd);
void mio_eventfd_drain(int fd);

/// Monotonic and wall-clock time in nanoseconds (coarse: one vDSO read, no syscall).
uint64_t mio_now_monotonic_ns(void);
uint64_t mio_now_realtime_ns(void);

static inline uint64_t mio_load(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
/// Single-writer add: a relaxed load and store, no locked instruction.
static inline void mio_add(uint64_t *p, uint64_t v) {
    __atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + v, __ATOMIC_RELAXED);
}
static inline void mio_store(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELAXED); }

/// One local media socket as its media thread sees it. The counters and `endpoint` are
/// written by the owning thread only and read by the control plane; the rest belongs to
/// the owning thread (the control plane changes it through the thread's command queue).
typedef struct mio_slot {
    uint64_t packets, bytes, errors, dropped, last_packet_ns;
    uint64_t ssrc;              // last RTP SSRC + 1 (0: none yet)
    uint64_t lost;
    uint64_t payload_type;      // last RTP payload type + 1 (0: none yet)
    uint64_t endpoint_seq;      // seqlock over `endpoint` (odd while being written)
    uint64_t confirmed;         // 1 once learning is over (query's `confirmed` flag)
    mio_addr endpoint;          // where the participant receives now (len 0: unknown)
    mio_addr advertised;        // where its SDP says it receives
    uint64_t learn_deadline_ns; // wall clock: delayed/heuristic learning ends at the first packet after it
    int32_t fd;
    int32_t rtp_target, rtcp_target;  // slot ids that send onward (-1: none)
    uint32_t echo_ssrc;
    uint16_t seq_next;
    uint8_t learning;           // MIO_LEARN_*
    uint8_t learn_state;        // 0 nothing seen, 1 learning, 2 confirmed
    uint8_t learn_score;
    uint8_t action;             // 0 forward, 1 echo, 2 drop
    uint8_t flags;              // MIO_F_*
    uint8_t attached;
} mio_slot;

enum { MIO_LEARN_OFF = 0, MIO_LEARN_IMMEDIATE = 1, MIO_LEARN_DELAYED = 2, MIO_LEARN_HEURISTIC = 3 };
enum { MIO_F_RTCP = 1, MIO_F_DEMUX = 2, MIO_F_STRICT = 4, MIO_F_HANDOVER = 8, MIO_F_NATWAIT = 16, MIO_F_PIERCE = 32 };

void mio_endpoint_publish(mio_slot *s, const mio_addr *a);
void mio_endpoint_read(const mio_slot *s, mio_addr *out);

/// Compares two socket addresses (family, address, port).
int mio_addr_equal(const mio_addr *a, const mio_addr *b);
/// Compares only the IP addresses.
int mio_addr_same_host(const mio_addr *a, const mio_addr *b);

#endif
