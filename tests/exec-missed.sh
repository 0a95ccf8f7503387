#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Execs that do not come through the 64-bit execve(2) are execs all the same: the
# kernel runs the new program (sched_process_exec fires for each), strace -f shows
# each, and ruletrace(8) promises "every exec". A hostile user picks the door the
# tracer does not watch:
#   execveat  execveat(dirfd, "true", ...): the syscall made for this
#   fexecve   glibc's fexecve(3), which is execveat(fd, "", ..., AT_EMPTY_PATH)
# Each must be reported once, ok, with its file name and arguments, under a rule
# for its comm (result: any): never missed in silence. Oracle: tests/exec_attack,
# which prints each child's pid and exit status (0: /bin/true ran).
. "$srcdir/lib.sh"
need_root
need_exec_attack

cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $TMP/ev.jsonl }
rules:
  - name: door
    probe: execve
    filter: { comm: [rt-door], result: any }
    outputs: [j, stdout]
YAML
rt_start "$TMP/rules.yaml"
: >"$TMP/oracle"
# Not int80: execve through the 32-bit gate is not traced (ruletrace(8) says so),
# as with execsnoop: the syscall tracepoints do not see compat syscalls.
for mode in execveat fexecve; do
	"$EXEC_ATTACK" rt-door "$mode" >>"$TMP/oracle" || fail "exec_attack $mode"
done
# A plain execve beside them: the rule works.
"$WORKLOAD" --comm rt-door --exec 1 -- /bin/true via-execve || fail "workload"
sleep 0.3
rt_stop INT
cat "$TMP/oracle" "$TMP/out"

bad=0
while read -r mode pid status; do
	if [ "$status" = 77 ]; then
		echo "skip: $mode: not possible on this machine"
		continue
	fi
	[ "$status" = 0 ] || fail "$mode: the exec itself failed (status $status)"
	got=$(python3 - "$TMP/ev.jsonl" "$pid" "via-$mode" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
evs = [o for o in evs if o.get('event') == 'exec' and o['pid'] == int(sys.argv[2])]
print(' '.join('%s:%s:%s' % (o['result'], o['filename'], ','.join(o['argv'])) for o in evs))
PY
)
	# The file name is the kernel's: a path relative to a directory descriptor, or
	# the descriptor itself, is named through /dev/fd.
	if [ "$got" = "ok:/bin/true:true,via-$mode" ] ||
	   { [ "$mode" = execveat ] && [[ "$got" == ok:/dev/fd/*/true:true,via-execveat ]]; } ||
	   { [ "$mode" = fexecve ] && [[ "$got" == ok:/dev/fd/*:true,via-fexecve ]]; }; then
		echo "ok: $mode (pid $pid) reported: $got"
	else
		echo "FAIL: $mode (pid $pid): the new program ran, ruletrace reported '${got:-nothing}'" >&2
		bad=$((bad + 1))
	fi
done <"$TMP/oracle"
grep -q ' via-execve$' "$TMP/out" || fail "the plain execve was not reported either"
[ "$bad" = 0 ] || fail "$bad execs that ran were missed in silence (summary: $(grep -E '^execs|events:' "$TMP/out" | tr '\n' ' '))"
