// Firewall rules through libiptc (iptables and ip6tables, legacy xtables): a chain jumped
// to from INPUT and per-instance rules, each marked with a comment so nothing else is
// ever touched. Every call opens the filter table, changes it and commits, or changes
// nothing and says why in `err`.
#ifndef FIREWALL_H
#define FIREWALL_H

typedef struct fw_rule {
    const char *address;   // destination IP, textual (IPv4 for fw4_*, IPv6 for fw6_*)
    int port_min, port_max;
    const char *comment;   // marks the rule as ours, e.g. "rtpengine-supervisor:a"
    const char *target;    // "RTPENGINE" (with table_id), or a standard verdict: ACCEPT, DROP, RETURN
    unsigned int table_id;
} fw_rule;

/// Ensures `chain` and a jump to it from INPUT (marked `jump_comment`), replaces the rules
/// in `chain` that carry `rules[0].comment` with `rules`. Returns 0, or -1 with `err` set.
int fw4_set(const char *chain, const char *jump_comment, const fw_rule *rules, int count, char *err, int errlen);
int fw6_set(const char *chain, const char *jump_comment, const fw_rule *rules, int count, char *err, int errlen);

/// Removes the rules in `chain` marked `comment`; when the chain is then empty, also the
/// jump marked `jump_comment` and the chain. Returns 0, or -1 with `err` set.
int fw4_clear(const char *chain, const char *jump_comment, const char *comment, char *err, int errlen);
int fw6_clear(const char *chain, const char *jump_comment, const char *comment, char *err, int errlen);

#endif
