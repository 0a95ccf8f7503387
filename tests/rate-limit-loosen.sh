#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A reload that loosens a rate_limit (issue 13): the rule keeps its counts and its
# bucket, and the bucket goes on at the new rate. The kernel keeps the bucket as
# the rule's "theoretical arrival time" (rt_rate_tat), moved on by one interval
# per event let through: after 3 events at {events: 1, per: 24h, burst: 3} it
# stands 3 days ahead. A reload to {events: 1000, per: 1s, burst: 1000} leaves it
# there, so the rule suppresses everything for 3 days instead of refilling a
# token every millisecond. Oracle: after the reload and 1.1 s (1000 tokens at the
# new rate, burst 1000), 100 getuid calls are all delivered. The same when the
# rate_limit is taken off and put back on, looser, in a later reload.
. "$srcdir/lib.sh"
need_root
COMM=rt-loosen

rules() {	# rules [RATE_LIMIT_LINE]
	cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $TMP/j.jsonl }
rules:
  - name: lim
    probe: sys_enter
    mode: stream
    filter: { comm: [$COMM], syscalls: [getuid] }
    ${1:-}
    outputs: [j]
YAML
}

# 1. Tight, emptied; then loosened.
rules "rate_limit: { events: 1, per: 24h, burst: 3 }"
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm $COMM --getuid 100 || fail workload
rules "rate_limit: { events: 1000, per: 1s, burst: 1000 }"
hup "reloaded"
grep -q "counts kept for 1" "$TMP/err" || { cat "$TMP/err"; fail "counts not kept"; }
sleep 1.1
"$WORKLOAD" --comm $COMM --getuid 100 || fail workload
rt_stop INT
expect_eq "loosened: exit status" "$RT_STATUS" 0
grep -qxF "  events: matched 200, delivered 103, suppressed 97, lost 0" "$TMP/out" ||
	{ cat "$TMP/out"; fail "loosened to 1000/s: the 100 calls 1.1 s after the reload were not all delivered (the bucket still runs at the old rate)"; }
echo "ok: loosened: 3 + 100 of 200 delivered"

# 2. Tight, emptied; the limit taken off; put back on, loose.
rules "rate_limit: { events: 1, per: 24h, burst: 3 }"
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm $COMM --getuid 100 || fail workload
rules
hup "reloaded"
"$WORKLOAD" --comm $COMM --getuid 100 || fail workload
rules "rate_limit: { events: 1000, per: 1s, burst: 1000 }"
hup "reloaded"
sleep 1.1
"$WORKLOAD" --comm $COMM --getuid 100 || fail workload
rt_stop INT
expect_eq "off and on: exit status" "$RT_STATUS" 0
grep -qxF "  events: matched 300, delivered 203, suppressed 97, lost 0" "$TMP/out" ||
	{ cat "$TMP/out"; fail "a rate_limit put back on (1000/s) suppressed the calls 1.1 s later"; }
echo "ok: off and on again: 3 + 100 + 100 of 300 delivered"
