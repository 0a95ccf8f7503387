#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# max_counters sizes the kernel's count map: 16,384 distinct counters by default,
# up to 1,048,576; as many as it says are kept, exactly, and the syscalls of
# every key beyond them are reported as not counted (exit status 3). Oracle: a
# workload that renames itself to N distinct names in turn, K getppid calls
# under each, as a uid of its own that nothing else on the machine runs as.
. "$srcdir/lib.sh"
need_root
command -v setpriv >/dev/null || skip "setpriv not installed (util-linux)"
# In the sanitizer build LeakSanitizer checks the workload at exit from a thread
# of its own, which calls getppid under the workload's comm: not the oracle's.
NOLSAN="env ASAN_OPTIONS=detect_leaks=0"
K=3
UID_=47011
PREFIX=rt-cl-

rules() {	# rules [MAX_COUNTERS]
	{
		printf 'version: 1\n'
		[ -n "${1:-}" ] && printf 'max_counters: %s\n' "$1"
		printf 'rules:\n'
		printf '  - { name: names, probe: sys_enter, filter: { uid: [%s], syscalls: [getppid] }, group_by: [comm] }\n' \
			$UID_
	} >"$TMP/rules.yaml"
}

# run NAMES: the workload, named ${PREFIX}0 ... ${PREFIX}<NAMES-1>, under ruletrace.
run() {
	rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
	setpriv --reuid $UID_ --regid $UID_ --clear-groups \
		$NOLSAN "$WORKLOAD" --comm $PREFIX --rename-self "$1" --getppid $K ||
		fail "workload as uid $UID_"
	rt_stop INT
}

# check WHAT NAMES KEPT: the first KEPT names counted K each, nothing else; the
# syscalls of the rest reported as not counted, and the exit status to match.
check() {
	python3 - "$TMP/s.json" "$@" "$K" "$PREFIX" "$RT_STATUS" <<'PY' || fail "$1"
import json, sys
s = json.load(open(sys.argv[1]))
what, names, kept, k, prefix, status = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), \
    int(sys.argv[5]), sys.argv[6], int(sys.argv[7])
got = {c["comm"]: c["count"] for c in s["rules"][0]["counts"]}
want = {f"{prefix}{i}": k for i in range(kept)}
missing = len(set(want) - set(got))
wrong = sum(1 for c in want if c in got and got[c] != k)
strangers = sorted(set(got) - set(want))[:5]
assert got == want, f"{len(got)} counters for {kept} names: {missing} missing, {wrong} wrong, strangers {strangers}"
full = s["lost"]["count_map_full"]
assert full == (names - kept) * k, f"count map full: {full} syscalls, want {(names - kept) * k}"
want_status = 3 if names > kept else 0
assert status == want_status == s["exit_status"], f"exit status {status} (JSON {s['exit_status']}), want {want_status}"
print(f"ok: {what}: {kept} names counted {k} each, {full} syscalls reported as not counted, exit {status}")
PY
}

# 1. The default: 16,384 counters, not one more.
rules
run 16385
check "default size" 16385 16384
grep -qE "^events lost: [0-9]+ \(count map full: $K syscalls not counted\)$" "$TMP/out" ||
	{ tail -5 "$TMP/out"; fail "summary does not report the full count map"; }

# 2. The key and its bounds.
st=0
rules 40000
"$RULETRACE" --check "$TMP/rules.yaml" >"$TMP/check" 2>&1 || st=$?
[ "$st" = 0 ] || { cat "$TMP/check" >&2; fail "max_counters: 40000: --check exit status $st"; }
rules 1048576
st=0
"$RULETRACE" --check "$TMP/rules.yaml" >"$TMP/check" 2>&1 || st=$?
expect_eq "max_counters: 1048576: --check exit status" "$st" 0
rules 1048577
st=0
"$RULETRACE" --check "$TMP/rules.yaml" >"$TMP/check" 2>&1 || st=$?
expect_eq "max_counters: 1048577: --check exit status" "$st" 2
grep -q "rules.yaml:2:15: " "$TMP/check" || { cat "$TMP/check" >&2; fail "max_counters: 1048577: no FILE:LINE:COLUMN"; }

# 3. 40,000 counters, every one used.
rules 40000
run 40000
check "max_counters 40000, 40000 names" 40000 40000

# 4. 100 names more than that: the first 40,000 counted, the rest said not to be.
rules 40000
run 40100
check "max_counters 40000, 40100 names" 40100 40000
grep -qE "^events lost: [0-9]+ \(count map full: $((100 * K)) syscalls not counted\)$" "$TMP/out" ||
	{ tail -5 "$TMP/out"; fail "summary does not report the full count map"; }
