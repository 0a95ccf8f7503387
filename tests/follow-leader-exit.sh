#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# follow: true tracks a pid's descendants "from the moment each is forked" for as
# long as they live. A process lives while any of its threads does: a main thread
# that leaves with pthread_exit() ends nothing else, and the process can still
# exec and fork. tests/exec_attack leader-exit forks such a child: its main thread
# leaves at once, its other thread execs /bin/true 300 ms later. The child is a
# descendant of the listed pid throughout, so a rule { pid: [P], follow: true }
# reports that exec. (The BPF exit hook drops a followed pid when its main thread
# exits, rather than when its last thread does.) Oracle: the child's pid and exit
# status, from exec_attack; strace -f shows the exec.
. "$srcdir/lib.sh"
need_root
: "${EXEC_ATTACK:=$(dirname "$WORKLOAD")/exec_attack}"
[ -x "$EXEC_ATTACK" ] || fail "$EXEC_ATTACK not built (make tests/exec_attack)"

# The listed pid: a shell that waits for the go-ahead, then becomes exec_attack.
(
	while [ ! -e "$TMP/go" ]; do sleep 0.05; done
	exec "$EXEC_ATTACK" rt-leader leader-exit >"$TMP/oracle"
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
wait "$root" || fail "exec_attack leader-exit"
sleep 0.3
rt_stop INT
cat "$TMP/oracle" "$TMP/ev.jsonl"
read -r _ child status <"$TMP/oracle"
expect_eq "the child's late exec ran" "$status" 0
grep -q "\"pid\":$child,.*\"argv\":\\[\"true\",\"after-leader-exit\"\\]" "$TMP/ev.jsonl" ||
	fail "the exec of followed pid $child, made after its main thread left, was not reported"
echo "ok: reported"
