#include <arpa/inet.h>
#include <string.h>
#include <libiptc/libiptc.h>
#include "firewall.h"

#define ENTRY struct ipt_entry
#define ALIGN XT_ALIGN
#define FN(x) iptc_##x
#define PREFIXED(x) fw4_##x

static int set_address4(struct ipt_entry *e, const char *text) {
    if (inet_pton(AF_INET, text, &e->ip.dst) != 1) return 0;
    e->ip.dmsk.s_addr = 0xffffffff;
    return 1;
}
#define SET_ADDRESS set_address4
#define SET_PROTO(e) ((e)->ip.proto = IPPROTO_UDP)

#include "fw_impl.h"
