#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# "execs: Exec events delivered" (ruletrace(8) SUMMARY; JSON "execs"). With a
# ring per rule each rule gets its own copy of an exec, and the exec is counted
# once, as its lowest rule's copy (events.c: "first"). When that lowest rule's
# copy never comes (its rate_limit suppressed it; the same when its ring was
# full), the exec is not counted at all, though the rules above it delivered it.
# Oracle: 10 execs under rt-ex-first; rule 'lim' (slot 0, burst 1, refilled once a
# day) delivers 1, rule 'all' (slot 1) all 10: 10 exec events were delivered.
. "$srcdir/lib.sh"
need_root

cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $TMP/j.jsonl }
rules:
  - name: lim
    probe: execve
    filter: { comm: [rt-ex-first] }
    rate_limit: { events: 1, per: 24h, burst: 1 }
    outputs: [j]
  - name: all
    probe: execve
    filter: { comm: [rt-ex-first] }
    outputs: [j]
YAML
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm rt-ex-first --exec 10 -- /bin/true || fail workload
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
grep -qxF "  events: matched 10, delivered 10, suppressed 0, lost 0" "$TMP/out" ||
	{ cat "$TMP/out"; fail "rule 'all' did not deliver the 10 execs"; }
grep -qxF "  events: matched 10, delivered 1, suppressed 9, lost 0" "$TMP/out" ||
	{ cat "$TMP/out"; fail "rule 'lim' did not deliver 1 and suppress 9"; }
rows=$(grep -c '"event":"exec"' "$TMP/j.jsonl")
expect_eq "exec records written" "$rows" 11
grep -qxF "execs: 10" "$TMP/out" ||
	{ cat "$TMP/out"; fail "text summary: 10 execs were delivered (rule 'all'), but: $(grep '^execs:' "$TMP/out")"; }
got=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["execs"])' "$TMP/s.json")
expect_eq "--summary-json execs" "$got" 10
