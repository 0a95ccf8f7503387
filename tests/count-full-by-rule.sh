#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Count-map losses per rule (issue 13: rt_rule_stats count_full, "per-rule,
# per-stage losses", reported by the text summary, --summary-json and each
# output's summary record). A JSON output's summary record of a count rule gives
# "count_map_full" (ruletrace-rules(5)), but it was the whole run's figure (the
# sum over every rule), not the rule's own: a rule that lost nothing reported
# the losses of another, and disagreed with its own rules[].lost.count_map_full
# in --summary-json.
# Oracle: max_counters 1024. Rule 'quiet' counts rt-cfr-quiet's syscalls, whose
# counter exists before the map fills: it loses nothing. Rule 'names' counts
# getppid by process name; 1500 names (workload --rename-self) overflow the map.
. "$srcdir/lib.sh"
need_root

cat >"$TMP/rules.yaml" <<YAML
version: 1
max_counters: 1024
outputs:
  j: { type: json, path: $TMP/j.jsonl }
rules:
  - { name: quiet, probe: sys_enter, filter: { comm: [rt-cfr-quiet], syscalls: [getuid] }, outputs: [j] }
  - { name: names, probe: sys_enter, filter: { syscalls: [getppid] }, outputs: [j] }
YAML
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm rt-cfr-quiet --getuid 10 || fail workload
"$WORKLOAD" --comm rt-cfr- --rename-self 1500 --getppid 2 || fail workload
"$WORKLOAD" --comm rt-cfr-quiet --getuid 10 || fail workload
rt_stop INT
expect_eq "exit status (syscalls not counted)" "$RT_STATUS" 3
python3 - "$TMP" <<'PY' || fail "count_map_full by rule"
import json, sys
tmp = sys.argv[1]
s = json.load(open(f"{tmp}/s.json"))
rules = {r["name"]: r for r in s["rules"]}
recs = {x["rule"]: x for x in map(json.loads, open(f"{tmp}/j.jsonl")) if x.get("event") == "summary"}
q, n = rules["quiet"], rules["names"]
print("--summary-json:", {k: rules[k]["lost"] for k in rules}, "records:",
      {k: recs[k].get("count_map_full") for k in recs})
assert q["events"] == 20 and q["lost"]["count_map_full"] == 0, q
assert n["lost"]["count_map_full"] > 0, n
for name, r in rules.items():
    assert recs[name]["count_map_full"] == r["lost"]["count_map_full"], (name, recs[name], r["lost"])
print("ok: each rule's summary record gives its own count_map_full")
PY
