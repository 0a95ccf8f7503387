#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# rate_limit (issue 13): a token bucket in the kernel, exact.
# 1. burst 8, refilled once a day: two processes offer 50000 getuid calls each;
#    exactly 8 are delivered and 99992 suppressed (fewer than a Unix datagram socket queues: net.unix.max_dgram_qlen, 10), exit 0, and the text summary,
#    --summary-json and the CSV, JSON and syslog summary records agree.
# 2. a refill: 2 per second, burst 5: 100 calls, 2.7 s (five tokens back), 100
#    calls: exactly 10 delivered.
# 3. a reload raises the burst from 5 to 9: counts kept, the bucket goes on from where
#    it was (5 taken): of 1000 calls more, exactly 4 go through.
. "$srcdir/lib.sh"
need_root
start_rsyslog '%programname%|%msg%\n'
COMM=rt-rate

rules() {	# rules BURST EVENTS PER
	cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $TMP/r.jsonl }
  c: { type: csv, path: $TMP/r.csv }
  s: { type: syslog, socket: $TMP/rs/log, ident: rt-rate }
rules:
  - name: limited
    probe: sys_enter
    mode: stream
    filter: { comm: [$COMM], syscalls: [getuid] }
    rate_limit: { events: $2, per: $3, burst: $1 }
    outputs: [j, c, s]
YAML
}

# 1. The burst, from two processes racing for it.
rules 8 1 24h
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm $COMM --getuid 50000 &
w=$!
"$WORKLOAD" --comm $COMM --getuid 50000 || fail workload
wait $w || fail workload
rt_stop INT
[ "$RT_STATUS" = 0 ] || { cat "$TMP/out" "$TMP/err"; fail "exit status $RT_STATUS: suppressed is not lost"; }
grep -qxF "  events: matched 100000, delivered 8, suppressed 99992, lost 0" "$TMP/out" ||
	{ cat "$TMP/out"; fail "text summary: events line"; }
grep -qxF "  suppressed: 99992 over rate_limit 1 per 24h, burst 8" "$TMP/out" ||
	fail "text summary: suppressed line"
grep -qxF "events suppressed by rate limits: 99992" "$TMP/out" || fail "text summary: total"
for _ in $(seq 1 50); do grep -q "suppressed=" "$TMP/rs/messages" 2>/dev/null && break; sleep 0.1; done
python3 - "$TMP" <<'PY' || fail "summaries disagree"
import csv, json, sys
tmp = sys.argv[1]
want = {"matched": 100000, "delivered": 8, "suppressed": 99992}
s = json.load(open(f"{tmp}/s.json"))
r = s["rules"][0]
got = {"matched": r["matched"], "delivered": r["events"], "suppressed": r["suppressed"]}
assert got == want, ("--summary-json", got)
assert r["rate_limit"] == {"events": 1, "per_ms": 86400000, "burst": 8}, r["rate_limit"]
assert s["suppressed"] == 99992 and s["lost"]["total"] == 0, s
# The events themselves: exactly the burst, in every output.
lines = [json.loads(l) for l in open(f"{tmp}/r.jsonl")]
events = [l for l in lines if l.get("event") == "syscall"]
summ = [l for l in lines if l.get("event") == "summary"]
assert len(events) == 8, len(events)
assert len(summ) == 1 and {k: summ[0][k] for k in want} == want, summ
rows = list(csv.reader(open(f"{tmp}/r.csv")))
head = rows[0]
assert head[-4:] == ["suppressed", "cgroup", "unit", "container"], head
srow = [x for x in rows[1:] if x[2] == "summary"]
assert sum(1 for x in rows[1:] if x[2] == "syscall") == 8
assert len(srow) == 1 and srow[0][-4:] == ["99992", "", "", ""], srow
msgs = open(f"{tmp}/rs/messages").read().splitlines()
kv = [m for m in msgs if "suppressed=" in m]
assert len(kv) == 1, kv
fields = dict(f.split("=", 1) for f in kv[0].split("|", 1)[1].split() if "=" in f)
assert (fields["matched"], fields["delivered"], fields["suppressed"]) == ("100000", "8", "99992"), fields
assert sum(1 for m in msgs if m.startswith("rt-rate|") and "suppressed=" not in m) == 8
print("ok: 8 of 100000 delivered, 99992 suppressed: text, --summary-json, JSON, CSV "
      "and syslog summary records agree")
PY

# 2. The refill: five tokens, then five more after 2.7 s at two a second.
rm -f "$TMP/r.jsonl" "$TMP/r.csv"
rules 5 2 1s
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm $COMM --getuid 100 || fail workload
sleep 2.7
"$WORKLOAD" --comm $COMM --getuid 100 || fail workload
rt_stop INT
expect_eq "refill exit status" "$RT_STATUS" 0
grep -qxF "  events: matched 200, delivered 10, suppressed 190, lost 0" "$TMP/out" ||
	{ cat "$TMP/out"; fail "refill: events line"; }
echo "ok: refill: 10 of 200 delivered (5 + 5 after 2.7 s at 2/s)"

# 3. A reload changes the limit: the rule's counts and its bucket carry over.
rm -f "$TMP/r.jsonl" "$TMP/r.csv"
rules 5 1 24h
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm $COMM --getuid 1000 || fail workload
rules 9 1 24h
hup "reloaded"
grep -q "counts kept for 1" "$TMP/err" || { cat "$TMP/err"; fail "reload: counts not kept"; }
"$WORKLOAD" --comm $COMM --getuid 1000 || fail workload
rt_stop INT
expect_eq "reload exit status" "$RT_STATUS" 0
grep -qxF "  events: matched 2000, delivered 9, suppressed 1991, lost 0" "$TMP/out" ||
	{ cat "$TMP/out"; fail "reload: events line"; }
grep -qxF "  suppressed: 1991 over rate_limit 1 per 24h, burst 9" "$TMP/out" ||
	fail "reload: the new limit in the summary"
echo "ok: reload to burst 9: counts kept, 9 of 2000 delivered in all"
