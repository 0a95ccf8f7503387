#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A failed exec's file name and arguments must be those the kernel refused, not
# whatever the caller's memory holds by the time execve returns: else a hostile
# user makes the audit trail of failed execs say what it likes. tests/exec_attack
# rewrite FILE calls execve(FILE, {"orig-arg", P}) with P on a userfaultfd page;
# while the kernel waits for P (it has copied FILE's name and "orig-arg" already),
# another thread rewrites them in place to "/bin/true" and "forgedXX". The kernel
# goes on with what it copied and fails the exec of FILE (not a program: ENOEXEC;
# /bin/true would have run). Reported: result ENOEXEC with filename FILE and
# argv[0] "orig-arg"; never /bin/true or "forgedXX". (A tool that cannot know
# must say so, as it does for unreadable arguments, rather than show the forgery.)
. "$srcdir/lib.sh"
need_root
: "${EXEC_ATTACK:=$(dirname "$WORKLOAD")/exec_attack}"
[ -x "$EXEC_ATTACK" ] || fail "$EXEC_ATTACK not built (make tests/exec_attack)"

printf 'not a program\n' >"$TMP/notprog"
chmod +x "$TMP/notprog"
cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $TMP/ev.jsonl }
rules:
  - name: failed
    probe: execve
    filter: { comm: [rt-forger], result: failure }
    outputs: [j]
YAML
rt_start "$TMP/rules.yaml"
"$EXEC_ATTACK" rt-forger rewrite "$TMP/notprog" >"$TMP/oracle" || fail "exec_attack"
sleep 0.3
rt_stop INT
cat "$TMP/oracle" "$TMP/ev.jsonl"
read -r _ pid status < <(grep '^rewrite ' "$TMP/oracle")
[ "$status" = 77 ] && skip "no userfaultfd for root here"
expect_eq "the kernel refused the exec: ENOEXEC (8)" "$status" 8
python3 - "$TMP/ev.jsonl" "$pid" "$TMP/notprog" <<'PY' || fail "the failed exec was reported with the caller's rewritten memory"
import json, sys
evs = [o for o in map(json.loads, open(sys.argv[1])) if o.get('pid') == int(sys.argv[2])]
if len(evs) != 1:
    sys.exit(f'{len(evs)} events for the exec')
o = evs[0]
print('reported:', o['result'], o['filename'], o['argv'])
bad = []
if o['result'] != 'ENOEXEC':
    bad.append('result ' + o['result'])
if o['filename'] in ('/bin/true',) or (o['filename'] is not None and o['filename'] != sys.argv[3]):
    bad.append(f"filename {o['filename']!r}: the kernel refused {sys.argv[3]!r}")
if 'forgedXX' in o['argv']:
    bad.append(f"argv {o['argv']}: the kernel was passed 'orig-arg'")
for b in bad:
    print('FAIL:', b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
echo "ok: the failed exec reported as the kernel refused it"
