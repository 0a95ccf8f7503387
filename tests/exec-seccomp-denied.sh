#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# An execve that a seccomp filter fails with EPERM is an exec the kernel refused,
# which is what result: failure reports ("those the kernel refused (a missing file,
# no permission, ...)"); strace -f shows it as execve(...) = -1 EPERM. The syscall
# tracepoint's entry does not fire for a syscall seccomp stopped (seccomp runs
# first), its exit does. A sandboxed process trying to exec is what an auditor
# watching failed execs wants most; it must not be missed in silence. Oracle:
# tests/exec_attack seccomp-denied: execve("/bin/true", {"true", "denied"}) under a
# filter returning EPERM for execve (the child exits with errno 1).
. "$srcdir/lib.sh"
need_root
: "${EXEC_ATTACK:=$(dirname "$WORKLOAD")/exec_attack}"
[ -x "$EXEC_ATTACK" ] || fail "$EXEC_ATTACK not built (make tests/exec_attack)"

cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - name: failed
    probe: execve
    filter: { comm: [rt-sandboxed], result: failure }
YAML
rt_start "$TMP/rules.yaml"
"$EXEC_ATTACK" rt-sandboxed seccomp-denied >"$TMP/oracle" || fail "exec_attack"
sleep 0.3
rt_stop INT
cat "$TMP/oracle" "$TMP/out"
read -r _ pid status <"$TMP/oracle"
[ "$status" = 77 ] && skip "seccomp filters unavailable"
expect_eq "the exec was refused with EPERM (exit status 1)" "$status" 1
grep -qE "^[^ ]+ +failed +$pid .* EPERM +/bin/true true denied$" "$TMP/out" ||
	fail "the execve seccomp refused (EPERM) was not reported"
echo "ok: reported"
