#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A follow rule whose group_by a reload changes (same name, same pid list: a new
# slot, counts reset) goes on following the descendants forked before the
# reload: the kernel's inherited pid entries are carried to the rule's new slot.
# Oracle: a descendant forked (after start) before the reload runs the workload
# after it: 100 children x 10 getppid calls. The same reload with group_by
# unchanged counts all 1000 (checked first).
. "$srcdir/lib.sh"
need_root
run_case() {	# run_case GROUP_BY-AFTER-RELOAD
	rm -f "$TMP/go1" "$TMP/go2" "$TMP/done"
	bash -c "while [ ! -e $TMP/go1 ]; do sleep 0.01; done
		bash -c 'while [ ! -e $TMP/go2 ]; do sleep 0.01; done
			env ASAN_OPTIONS=detect_leaks=0 $WORKLOAD --comm rt-at-fo --children 100 --child-getppid 10 >/dev/null
			touch $TMP/done'
		wait" &
	target=$!
	rules() {
		printf 'version: 1\nrules:\n  - { name: tree, probe: sys_enter, filter: { pid: [%s], follow: true, comm: [rt-at-fo], syscalls: [getppid] }, group_by: [%s] }\n' \
			"$target" "$1" >"$TMP/rules.yaml"
	}
	rules comm
	rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
	touch "$TMP/go1"	# the descendant is forked now, followed
	sleep 0.3
	rules "$1"
	kill -HUP "$RT_PID"
	for _ in $(seq 1 500); do grep -q "^ruletrace: reloaded" "$TMP/err" && break; sleep 0.01; done
	grep -q "^ruletrace: reloaded" "$TMP/err" || { cat "$TMP/err" >&2; fail "no reload"; }
	touch "$TMP/go2"
	for _ in $(seq 1 500); do [ -e "$TMP/done" ] && break; sleep 0.02; done
	wait "$target"
	rt_stop INT
	got=$(python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print(sum(c['count'] for c in s['rules'][0]['counts']))" "$TMP/s.json")
	expect_eq "follow across a reload to group_by [$1]: getppid calls counted" "$got" 1000
}
run_case comm
run_case "comm, syscall"
echo "ok: descendants stay followed when a reload replaces the rule"
