#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A thread renamed by a sibling through /proc/self/task/TID/comm while it makes
# syscalls: each syscall is counted under one comm, the same one by every rule,
# and only names that were set appear (never one read half-copied). Oracle: the
# worker makes exactly N getppid calls; nothing else in the workload calls it.
. "$srcdir/lib.sh"
need_root
# In the sanitizer build LeakSanitizer checks the workload at exit from a thread
# of its own, which calls getppid under the workload's comm: not the oracle's.
NOLSAN="env ASAN_OPTIONS=detect_leaks=0"
N=3000000
NAMES=rt-rn-a,rt-rn-bbbbbbbbb,rt-rn-cc,rt-rn-ddddddddd

cat >"$TMP/rules.yaml" <<'YAML'
version: 1
rules:
  - { name: one, probe: sys_enter, filter: { syscalls: [getppid] }, group_by: [comm] }
  - { name: two, probe: sys_enter, filter: { syscalls: [getppid] }, group_by: [comm] }
YAML
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
$NOLSAN "$WORKLOAD" --comm rt-rn-main --rename-thread $N --names $NAMES >"$TMP/renames" ||
	fail "workload"
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
python3 - "$TMP/s.json" "$N" "$NAMES" "$(cat "$TMP/renames")" <<'PY' || fail "counts by comm"
import json, sys
s = json.load(open(sys.argv[1]))
n, names, renames = int(sys.argv[2]), set(sys.argv[3].split(",")), int(sys.argv[4])
rules = {r["name"]: {c["comm"]: c["count"] for c in r["counts"]} for r in s["rules"]}
one, two = rules["one"], rules["two"]
# Other processes' getppid calls are counted too, under their own names.
ours = {c: v for c, v in one.items() if c.startswith("rt-rn")}
assert renames > 1000, f"only {renames} renames: the race was not exercised"
assert one == two, {c: (one.get(c), two.get(c)) for c in set(one) | set(two) if one.get(c) != two.get(c)}
assert set(ours) <= names, f"names never set: {set(ours) - names}"
assert sum(ours.values()) == n, f"{sum(ours.values())} counted, want {n}: {ours}"
assert s["lost"]["count_map_full"] == 0, s["lost"]
print(f"ok: {n} getppid calls over {renames} renames, per comm {ours}, the same for both rules")
PY
