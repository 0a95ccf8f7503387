#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A removed rule's events still in the event buffer when a later reload adds a
# rule: the new rule never takes that slot while the old events are owed. A
# reload removes stream rule 'a' while a backlog of its events waits in the ring
# buffer (after SWAP_DRAIN_MS the rest is counted as lost); the next reload adds
# rule 'c' (another comm). Oracle: N getppid calls under rt-at-a; none under
# rt-at-c. Want: 'c' delivers only what it matched (0 rt-at-a lines, events ==
# matched), and delivered + lost of rt-at-a's events never exceeds N.
. "$srcdir/lib.sh"
need_root
N=4000000
rules() {	# rules NAME COMM
	printf 'version: 1\noutputs:\n  j: { type: json, path: %s, append: true }\nrules:\n' "$TMP/j.jsonl" >"$TMP/rules.yaml"
	printf '  - { name: %s, probe: sys_enter, mode: stream, filter: { comm: [%s], syscalls: [getppid] }, outputs: [j] }\n' \
		"$1" "$2" >>"$TMP/rules.yaml"
}
rules a rt-at-a
rt_start --buffer-size 512M -j "$TMP/s.json" "$TMP/rules.yaml"
# A backlog: ruletrace stopped while the workload fills the buffer.
kill -STOP "$RT_PID"
env ASAN_OPTIONS=detect_leaks=0 "$WORKLOAD" --comm rt-at-a --getppid $N || fail workload
rules b rt-at-b
kill -HUP "$RT_PID"
kill -CONT "$RT_PID"
logged "^ruletrace: reloaded" 1 || fail "no reload 1"
rules c rt-at-c
kill -HUP "$RT_PID"
logged "^ruletrace: reloaded" 2 || fail "no reload 2"
env ASAN_OPTIONS=detect_leaks=0 "$WORKLOAD" --comm rt-at-c --getppid 1000 || fail workload
rt_stop INT
grep "lost during the swap" "$TMP/err"
python3 - "$TMP" "$N" "$RT_STATUS" <<'PY' || fail "a removed rule's buffered events went to the rule that took its slot"
import collections, json, sys
tmp, n, status = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = json.load(open(f"{tmp}/s.json"))
c = {r["name"]: r for r in s["rules"]}["c"]
lines = collections.Counter((x["rule"], x["comm"]) for x in map(json.loads, open(f"{tmp}/j.jsonl"))
                            if x.get("event") == "syscall")
a_delivered = sum(v for (rule, comm), v in lines.items() if comm == "rt-at-a")
print(f"lines {dict(lines)}; c: matched {c['matched']} delivered {c['events']}; lost {s['lost']}")
bad = []
if lines[("c", "rt-at-a")]:
    bad.append(f"rule c (comm rt-at-c) wrote {lines[('c', 'rt-at-a')]} events of rt-at-a")
if c["events"] > c["matched"]:
    bad.append(f"rule c delivered {c['events']} > matched {c['matched']}")
if a_delivered + s["lost"]["total"] > n:
    bad.append(f"rt-at-a: {a_delivered} delivered + {s['lost']['total']} lost > {n} calls "
               f"({a_delivered + s['lost']['total'] - n} counted twice)")
assert not bad, "; ".join(bad)
print("ok: no event of a removed rule reached the rule on its slot")
PY
