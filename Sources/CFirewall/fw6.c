#include <arpa/inet.h>
#include <string.h>
#include <libiptc/libip6tc.h>
#include "firewall.h"

#define ENTRY struct ip6t_entry
#define ALIGN XT_ALIGN
#define FN(x) ip6tc_##x
#define PREFIXED(x) fw6_##x

static int set_address6(struct ip6t_entry *e, const char *text) {
    if (inet_pton(AF_INET6, text, &e->ipv6.dst) != 1) return 0;
    memset(&e->ipv6.dmsk, 0xff, sizeof(e->ipv6.dmsk));
    return 1;
}
#define SET_ADDRESS set_address6
#define SET_PROTO(e) ((e)->ipv6.proto = IPPROTO_UDP, (e)->ipv6.flags |= IP6T_F_PROTO)

#include "fw_impl.h"
