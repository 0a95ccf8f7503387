#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# ruletrace started and stopped again and again, while another process makes
# syscalls all along: each run's probes attach anew (the kernel switches the
# tracepoints on and off, rewriting its own code each time) and each run counts
# its workload exactly, from its first run to its last. This caught QEMU running a
# guest's vCPUs in threads of their own: about one run in six counted nothing
# (tests/vm/run.sh says why the guests now run in one thread).
. "$srcdir/lib.sh"
need_root
# Before 5.17 each start verifies the unrolled programs, some 20 s under TCG: fewer.
IFS=. read -r major minor _ <<<"$(uname -r)"
cycles=6
[ "$major" -lt 5 ] || { [ "$major" = 5 ] && [ "$minor" -lt 17 ]; } && cycles=3
cycles=${RT_REATTACH_CYCLES:-$cycles}

cat >"$TMP/rules.yaml" <<'YAML'
version: 1
rules:
  - { name: calls, probe: sys_enter, mode: count, filter: { comm: [rt-reattach], syscalls: [getppid] } }
  - { name: execs, probe: execve, filter: { comm: [rt-reattach] } }
  - { name: neighbour, probe: sys_enter, mode: count, filter: { comm: [rt-neighbour], syscalls: [getppid] } }
YAML
# The neighbour: syscalls on the other CPU while each run attaches and detaches
# (counted too: a neighbour that stopped would leave the test without its point).
( while "$WORKLOAD" --comm rt-neighbour --getppid 20000; do :; done ) &
neighbour=$!
trap 'kill $neighbour 2>/dev/null; cleanup' EXIT

for i in $(seq 1 "$cycles"); do
	echo "run $i: starting"	# a run stopped by the guest's time limit is named
	rt_start "$TMP/rules.yaml"
	"$WORKLOAD" --comm rt-reattach --getppid 100 --exec 1 -- /bin/true ||
		fail "run $i: workload"
	rt_stop INT
	expect_eq "run $i: exit status" "$RT_STATUS" 0
	# A run that counted nothing shows its whole output.
	[ "$(summary_count calls rt-reattach)" = 100 ] || cat "$TMP/out" "$TMP/err"
	expect_eq "run $i: getppid counted" "$(summary_count calls rt-reattach)" 100
	expect_eq "run $i: execs" "$(sed -n 's/^execs: //p' "$TMP/out")" 1
	[ "$(summary_count neighbour rt-neighbour)" -gt 0 ] ||
		fail "run $i: the neighbour made no syscalls"
done
echo "ok: $cycles runs on $(uname -r), each exact"
