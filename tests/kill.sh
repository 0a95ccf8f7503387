#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# SIGKILL mid-run leaves no BPF program behind once the process is gone (links and
# programs are owned by its file descriptors), a second ruletrace starts at once,
# and two ruletrace processes side by side do not see each other's filters.
. "$srcdir/lib.sh"
need_root

ids_of() { grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -un; }

rules() {	# rules FILE COMM
	cat >"$1" <<YAML
version: 1
rules:
  - { name: mine, probe: sys_enter, filter: { comm: [$2] } }
YAML
}
rules "$TMP/a.yaml" rt-kill-a
rules "$TMP/b.yaml" rt-kill-b

rt_start "$TMP/a.yaml"
ids=$(ids_of "$RT_PID")
[ -n "$ids" ] || fail "no programs while running"
kill -KILL "$RT_PID"
wait "$RT_PID" 2>/dev/null
RT_PID=
for id in $ids; do
	for _ in $(seq 1 40); do bpftool prog show id "$id" >/dev/null 2>&1 || break; sleep 0.05; done
	bpftool prog show id "$id" >/dev/null 2>&1 && fail "program $id still loaded after SIGKILL"
done
echo "ok: programs $(echo $ids) gone after SIGKILL"

# Two at once, each with its own filter: each counts only its own workload.
"$RULETRACE" --ready-fd 9 "$TMP/a.yaml" >"$TMP/a.out" 2>"$TMP/a.err" 9>"$TMP/a.ready" &
a=$!
"$RULETRACE" --ready-fd 9 "$TMP/b.yaml" >"$TMP/b.out" 2>"$TMP/b.err" 9>"$TMP/b.ready" &
b=$!
rt_wait_ready "$a" "$TMP/a.ready" "$TMP/a.err"
rt_wait_ready "$b" "$TMP/b.ready" "$TMP/b.err"
"$WORKLOAD" --comm rt-kill-a --getppid 1500
"$WORKLOAD" --comm rt-kill-b --getppid 2500
kill -INT "$a" "$b"
wait "$a" || fail "ruletrace a exit $?"
wait "$b" || fail "ruletrace b exit $?"
count() { awk -v c="$2" '$1 == c { print $2; f = 1 } END { if (!f) print 0 }' "$1"; }
expect_eq "a counts rt-kill-a" "$(count "$TMP/a.out" rt-kill-a)" 1501
expect_eq "a does not count rt-kill-b" "$(count "$TMP/a.out" rt-kill-b)" 0
expect_eq "b counts rt-kill-b" "$(count "$TMP/b.out" rt-kill-b)" 2501
expect_eq "b does not count rt-kill-a" "$(count "$TMP/b.out" rt-kill-a)" 0
