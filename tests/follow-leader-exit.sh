#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# follow: true tracks a pid's descendants "from the moment each is forked" for as
# long as they live. A process lives while any of its threads does, and its main
# thread can end before the process does, in two ways:
#   leader-exit  the main thread leaves (pthread_exit); another thread execs
#                /bin/true "after-leader-exit" 300 ms later
#   thread-exec  a thread that is not the main one execs /bin/sh -c "sleep 0.3;
#                exec /bin/true second-exec": the kernel ends the main thread
#                (de_thread) and the process goes on as sh, forks sleep, then
#                execs /bin/true
# Each child of tests/exec_attack is a descendant of the listed pid throughout,
# so a rule { pid: [P], follow: true } reports every exec of it and of its
# children: "after-leader-exit"; and sh's, sleep's and "second-exec". (The BPF exit
# hook drops a followed pid when its main thread exits, not when its last thread
# does.) Oracle: the execs the children make, as strace -f shows them.
. "$srcdir/lib.sh"
need_root
need_exec_attack

bad=0
for mode in leader-exit thread-exec; do
	rm -f "$TMP/go" "$TMP/ev.jsonl"
	# The listed pid: a shell that waits for the go-ahead, then becomes exec_attack.
	(
		while [ ! -e "$TMP/go" ]; do sleep 0.05; done
		exec "$EXEC_ATTACK" rt-leader "$mode" >"$TMP/oracle"
	) &
	root=$!
	cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $TMP/ev.jsonl }
rules:
  - name: tree
    probe: execve
    filter: { pid: [$root], follow: true }
    outputs: [j]
YAML
	rt_start "$TMP/rules.yaml"
	touch "$TMP/go"
	wait "$root" || fail "exec_attack $mode"
	sleep 0.3
	rt_stop INT
	cat "$TMP/oracle"
	read -r _ child status <"$TMP/oracle"
	expect_eq "$mode: the child ran to its end" "$status" 0
	case $mode in
	leader-exit) want='"pid":'$child',.*"argv":\["true","after-leader-exit"\]' ;;
	thread-exec) want='"pid":'$child',.*"argv":\["/bin/true","second-exec"\]' ;;
	esac
	grep -o '"pid":[0-9]*,.*"argv":\[[^]]*\]' "$TMP/ev.jsonl" | sed 's/"tid".*"argc"/.../'
	if grep -qE "$want" "$TMP/ev.jsonl"; then
		echo "ok: $mode: reported"
	else
		echo "FAIL: $mode: an exec of followed pid $child, after its main thread ended, not reported" >&2
		bad=$((bad + 1))
	fi
done
[ "$bad" = 0 ] || fail "$bad followed processes dropped from follow while alive"
