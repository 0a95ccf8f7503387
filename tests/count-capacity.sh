#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The kernel keeps RT_COUNT_ENTRIES (16,384) distinct counters whatever the
# number of CPUs and whichever CPU the new keys turn up on, and a reload that
# removes a rule frees its counters for others. Oracle: the workload's children,
# each of which makes exactly K getppid calls under a pid of its own.
. "$srcdir/lib.sh"
need_root
# In the sanitizer build LeakSanitizer checks the workload at exit from a thread
# of its own, which calls getppid under the workload's comm: not the oracle's.
NOLSAN="env ASAN_OPTIONS=detect_leaks=0"
command -v taskset >/dev/null || skip "taskset not installed (util-linux)"
K=3

rules() {	# rules NAME
	cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - name: $1
    probe: sys_enter
    filter: { comm: [rt-capacity], syscalls: [getppid] }
    group_by: [pid]
YAML
}

# check NAME PIDFILE...: rule NAME counted exactly K for each pid listed, nothing
# else, and nothing was lost.
check() {
	python3 - "$TMP/s.json" "$K" "$@" <<'PY' || fail "counts of $1"
import json, sys
s = json.load(open(sys.argv[1]))
k, name, files = int(sys.argv[2]), sys.argv[3], sys.argv[4:]
want = {int(p): k for f in files for p in open(f).read().split()}
rules = {r["name"]: r for r in s["rules"]}
assert list(rules) == [name], list(rules)
got = {c["pid"]: c["count"] for c in rules[name]["counts"]}
assert s["lost"]["count_map_full"] == 0, s["lost"]
assert s["exit_status"] == 0, s["exit_status"]
missing = len(set(want) - set(got))
wrong = sum(1 for p in want if p in got and got[p] != k)
assert got == want, f"{len(got)} counters for {len(want)} pids: {missing} missing, {wrong} wrong, {len(set(got) - set(want))} strangers"
print(f"ok: {name}: {len(got)} pids, each counted {k}")
PY
}

# 1. 9,000 new keys, all on CPU 0: more than 16,384 / the number of CPUs.
rules pinned
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
taskset -c 0 $NOLSAN "$WORKLOAD" --comm rt-capacity --children 9000 --child-getppid $K \
	>"$TMP/pids.pinned" || fail "workload"
rt_stop INT
expect_eq "exit status (pinned to CPU 0)" "$RT_STATUS" 0
check pinned "$TMP/pids.pinned"

# 2. The same, the children on whichever CPU the scheduler picks.
rules spread
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
$NOLSAN "$WORKLOAD" --comm rt-capacity --children 9000 --child-getppid $K >"$TMP/pids.spread" ||
	fail "workload"
rt_stop INT
expect_eq "exit status (all CPUs)" "$RT_STATUS" 0
check spread "$TMP/pids.spread"

# 3. 9,000 keys, the rule renamed by a reload, 9,000 more: 18,000 in all, which
# fits only if the removed rule's counters were freed.
rules before
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
taskset -c 0 $NOLSAN "$WORKLOAD" --comm rt-capacity --children 9000 --child-getppid $K \
	>"$TMP/pids.before" || fail "workload"
rules after
kill -HUP "$RT_PID"
for _ in $(seq 1 100); do grep -q "reloaded" "$TMP/err" && break; sleep 0.05; done
grep -q "ruletrace: reloaded $TMP/rules.yaml: 1 rule" "$TMP/err" || fail "no reload message"
taskset -c 0 $NOLSAN "$WORKLOAD" --comm rt-capacity --children 9000 --child-getppid $K \
	>"$TMP/pids.after" || fail "workload"
rt_stop INT
expect_eq "exit status (renamed by a reload)" "$RT_STATUS" 0
check after "$TMP/pids.after"
