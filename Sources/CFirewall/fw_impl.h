// One family's implementation, included by fw4.c and fw6.c with these names defined:
// ENTRY, ALIGN, HANDLE_INIT, FN(x) (the libiptc function prefix), SET_ADDRESS(e, text),
// SET_PROTO(e), PREFIX (fw4_ or fw6_).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_tcpudp.h>

struct rtpengine_target_info { unsigned int id; };

static int comment_of(const ENTRY *e, char *out) {
    unsigned int off = sizeof(ENTRY);
    while (off < e->target_offset) {
        const struct xt_entry_match *m = (const void *)((const char *)e + off);
        if (m->u.match_size == 0) break;
        if (strcmp(m->u.user.name, "comment") == 0) {
            const struct xt_comment_info *c = (const void *)m->data;
            strncpy(out, c->comment, XT_MAX_COMMENT_LEN - 1);
            out[XT_MAX_COMMENT_LEN - 1] = 0;
            return 1;
        }
        off += m->u.match_size;
    }
    return 0;
}

static int has_comment(const ENTRY *e, const char *comment) {
    char c[XT_MAX_COMMENT_LEN];
    return comment_of(e, c) && strcmp(c, comment) == 0;
}

/// A rule: optional udp match (dst address and port range), a comment match, a target.
static ENTRY *build(const char *address, int udp, int pmin, int pmax, const char *comment, const char *target,
                    unsigned int id, char *err, int errlen) {
    size_t udp_size = udp ? ALIGN(sizeof(struct xt_entry_match) + sizeof(struct xt_udp)) : 0;
    size_t comment_size = ALIGN(sizeof(struct xt_entry_match) + sizeof(struct xt_comment_info));
    int custom = strcmp(target, "RTPENGINE") == 0;
    size_t target_size = custom ? ALIGN(sizeof(struct xt_entry_target) + sizeof(struct rtpengine_target_info))
                                : ALIGN(sizeof(struct xt_standard_target));
    size_t total = ALIGN(sizeof(ENTRY)) + udp_size + comment_size + target_size;
    ENTRY *e = calloc(1, total);
    if (!e) { snprintf(err, errlen, "out of memory"); return NULL; }
    e->target_offset = ALIGN(sizeof(ENTRY)) + udp_size + comment_size;
    e->next_offset = total;
    if (address && !SET_ADDRESS(e, address)) {
        snprintf(err, errlen, "'%s' is not an address of this family", address);
        free(e);
        return NULL;
    }
    char *p = (char *)e + ALIGN(sizeof(ENTRY));
    if (udp) {
        SET_PROTO(e);
        struct xt_entry_match *m = (void *)p;
        m->u.match_size = udp_size;
        strcpy(m->u.user.name, "udp");
        struct xt_udp *u = (void *)m->data;
        u->spts[0] = 0; u->spts[1] = 0xffff;
        u->dpts[0] = pmin; u->dpts[1] = pmax;
        p += udp_size;
    }
    struct xt_entry_match *cm = (void *)p;
    cm->u.match_size = comment_size;
    strcpy(cm->u.user.name, "comment");
    strncpy(((struct xt_comment_info *)cm->data)->comment, comment, XT_MAX_COMMENT_LEN - 1);
    p += comment_size;
    struct xt_entry_target *t = (void *)p;
    t->u.target_size = target_size;
    if (custom) {
        strcpy(t->u.user.name, "RTPENGINE");
        ((struct rtpengine_target_info *)t->data)->id = id;
    } else {
        // Standard verdicts and jumps to chains are named; libiptc maps them.
        strncpy(t->u.user.name, target, sizeof(t->u.user.name) - 1);
    }
    return e;
}

/// Deletes every rule of `chain` marked `comment` (and, for INPUT, jumping to `jump`).
static int delete_marked(struct xtc_handle *h, const char *chain, const char *comment, const char *jump) {
    for (;;) {
        unsigned int n = 0;
        int found = -1;
        for (const ENTRY *e = FN(first_rule)(chain, h); e; e = FN(next_rule)(e, h), n++) {
            if (!has_comment(e, comment)) continue;
            if (jump && strcmp(FN(get_target)(e, h), jump) != 0) continue;
            found = (int)n;
            break;
        }
        if (found < 0) return 0;
        if (!FN(delete_num_entry)(chain, (unsigned)found, h)) return -1;
    }
}

int PREFIXED(set)(const char *chain, const char *jump_comment, const fw_rule *rules, int count, char *err, int errlen) {
    struct xtc_handle *h = FN(init)("filter");
    if (!h) { snprintf(err, errlen, "cannot open the filter table: %s", FN(strerror)(errno)); return -1; }
    int ok = 1;
    if (!FN(is_chain)(chain, h)) ok = FN(create_chain)(chain, h);
    if (ok) {
        int jumps = 0;
        for (const ENTRY *e = FN(first_rule)("INPUT", h); e; e = FN(next_rule)(e, h))
            if (has_comment(e, jump_comment) && strcmp(FN(get_target)(e, h), chain) == 0) jumps = 1;
        if (!jumps) {
            ENTRY *j = build(NULL, 0, 0, 0, jump_comment, chain, 0, err, errlen);
            ok = j && FN(append_entry)("INPUT", j, h);
            free(j);
        }
    }
    if (ok && count > 0) ok = delete_marked(h, chain, rules[0].comment, NULL) == 0;
    for (int i = 0; ok && i < count; i++) {
        ENTRY *e = build(rules[i].address, 1, rules[i].port_min, rules[i].port_max, rules[i].comment,
                         rules[i].target, rules[i].table_id, err, errlen);
        if (!e) { FN(free)(h); return -1; }
        ok = FN(append_entry)(chain, e, h);
        free(e);
    }
    if (ok) ok = FN(commit)(h);
    if (!ok) snprintf(err, errlen, "%s", FN(strerror)(errno));
    FN(free)(h);
    return ok ? 0 : -1;
}

int PREFIXED(clear)(const char *chain, const char *jump_comment, const char *comment, char *err, int errlen) {
    struct xtc_handle *h = FN(init)("filter");
    if (!h) { snprintf(err, errlen, "cannot open the filter table: %s", FN(strerror)(errno)); return -1; }
    if (!FN(is_chain)(chain, h)) { FN(free)(h); return 0; }
    int ok = delete_marked(h, chain, comment, NULL) == 0;
    if (ok && !FN(first_rule)(chain, h)) {
        ok = delete_marked(h, "INPUT", jump_comment, chain) == 0 && FN(delete_chain)(chain, h);
    }
    if (ok) ok = FN(commit)(h);
    if (!ok) snprintf(err, errlen, "%s", FN(strerror)(errno));
    FN(free)(h);
    return ok ? 0 : -1;
}
