#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Two stream rules that share an output (issue 13): with a ring per rule each rule
# has its own copy of an event and writes it to its outputs under its own name
# (events.c: "two rules sharing an output write it there twice"). Checked here:
# the JSON and CSV files hold each rule's copies under its name, as many as the
# summary says it delivered, and each output's "written" is what its file holds.
# And the manual says so: ruletrace-rules(5) still said "An event that several
# rules match is written once to each output of those rules, labelled with the
# first of them that routes it there", the behaviour before issue 13.
. "$srcdir/lib.sh"
need_root
N=3000

cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $TMP/j.jsonl }
  c: { type: csv, path: $TMP/c.csv }
rules:
  - { name: one, probe: sys_enter, mode: stream, filter: { comm: [rt-shared], syscalls: [getuid] }, outputs: [j, c] }
  - { name: two, probe: sys_enter, mode: stream, filter: { comm: [rt-shared], syscalls: [getuid] }, outputs: [j] }
  - { name: three, probe: sys_enter, mode: stream, filter: { comm: [rt-shared], syscalls: [getuid] }, rate_limit: { events: 1, per: 24h, burst: 7 }, outputs: [c, j] }
YAML
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm rt-shared --getuid $N || fail workload
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
python3 - "$TMP" $N <<'PY' || fail "shared outputs"
import collections, csv, json, sys
tmp, n = sys.argv[1], int(sys.argv[2])
s = json.load(open(f"{tmp}/s.json"))
rules = {r["name"]: r for r in s["rules"]}
outs = {o["name"]: o for o in s["outputs"]}
j = collections.Counter(x["rule"] for x in map(json.loads, open(f"{tmp}/j.jsonl"))
                        if x.get("event") == "syscall")
c = collections.Counter(r[1] for r in csv.reader(open(f"{tmp}/c.csv")) if len(r) > 2 and r[2] == "syscall")
want = {"one": n, "two": n, "three": 7}
assert {k: rules[k]["events"] for k in want} == want, rules
assert dict(j) == want, j
assert dict(c) == {"one": n, "three": 7}, c
assert outs["j"]["written"] == sum(j.values()) and outs["c"]["written"] == sum(c.values()), outs
print(f"ok: each rule's copies under its own name: json {dict(j)}, csv {dict(c)}; written agrees")
PY
man="$srcdir/../docs/ruletrace-rules.5"
if grep -q "labelled with the" "$man"; then
	grep -n -B1 -A1 "labelled with the" "$man"
	fail "ruletrace-rules(5) says an event several rules match is written once to each output, labelled with the first rule: each rule writes its own copy, under its own name"
fi
echo "ok: ruletrace-rules(5) does not say otherwise"
