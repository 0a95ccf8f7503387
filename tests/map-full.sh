#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# More distinct process names than the kernel's counters hold: the syscalls that
# found no counter are counted as such, reported in the summary, and make the
# exit status 3; never a silent undercount.
. "$srcdir/lib.sh"
need_root

cat >"$TMP/rules.yaml" <<'YAML'
version: 1
rules:
  - { name: names, probe: sys_enter, group_by: [comm, pid] }
YAML
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
# 17,000 processes, each its own (comm, pid): more than the 16,384 counters.
"$WORKLOAD" --fork-names 17000 || fail "workload"
rt_stop INT
expect_eq "exit status (events lost)" "$RT_STATUS" 3
grep -qE "^events lost: [0-9]+ \(count map full: [1-9][0-9]* syscalls not counted\)$" "$TMP/out" ||
	{ tail -5 "$TMP/out"; fail "summary does not report the full count map"; }
python3 - "$TMP/s.json" <<'PY' || fail "JSON summary"
import json, sys
s = json.load(open(sys.argv[1]))
full = s["lost"]["count_map_full"]
counters = len(s["rules"][0]["counts"])
assert full > 0 and s["lost"]["total"] >= full and s["exit_status"] == 3, s["lost"]
assert counters <= 16384, counters
print(f"ok: {counters} counters, {full} syscalls reported as not counted")
PY

