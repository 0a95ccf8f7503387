#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Threads of one process that exec at once: one wins, the kernel kills the others
# inside their execve (de_thread), and their execve never returns: strace -f shows
# "execve(...) = ?" for them. They did not fail; no program was refused. So, for
# each child of tests/exec_attack race (4 threads exec /bin/true together), a rule
# with result: any reports exactly one exec, ok, and no failed one; and no exec is
# ever reported with a kernel-internal code that never reaches user space
# (ERESTARTSYS 512 .. ERESTART_RESTARTBLOCK 516, shown as E512 .. E516).
# Each child's pid and exit status (0: /bin/true ran) come from exec_attack.
. "$srcdir/lib.sh"
need_root
need_exec_attack

cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $TMP/ev.jsonl }
rules:
  - name: race
    probe: execve
    filter: { comm: [rt-race], result: any }
    outputs: [j]
YAML
rt_start "$TMP/rules.yaml"
"$EXEC_ATTACK" rt-race race 400 >"$TMP/oracle" || fail "exec_attack race"
sleep 0.3
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
python3 - "$TMP" <<'PY' || fail "threads killed inside execve reported as failed execs"
import collections, json, sys
tmp = sys.argv[1]
children = {}
for l in open(f'{tmp}/oracle'):
    _, pid, status = l.split()
    children[int(pid)] = int(status)
assert len(children) == 400 and not any(children.values()), 'exec_attack: an exec did not run'
evs = collections.defaultdict(list)
for l in open(f'{tmp}/ev.jsonl'):
    o = json.loads(l)
    if o.get('event') == 'exec':
        evs[o['pid']].append(o)
internal = collections.Counter(o['result'] for es in evs.values() for o in es
                               if o['result'] in ('E512', 'E513', 'E514', 'E515', 'E516'))
shapes = collections.Counter((sum(o['result'] == 'ok' for o in evs[p]),
                              sum(o['result'] != 'ok' for o in evs[p])) for p in children)
print('children by (ok, failed) events:', dict(shapes), 'kernel-internal results:', dict(internal))
bad = sum(n for s, n in shapes.items() if s != (1, 0))
if internal:
    print(f'FAIL: kernel-internal codes reported as exec results: {dict(internal)}', file=sys.stderr)
if bad:
    print(f'FAIL: {bad} of {len(children)} children not reported as exactly one ok exec',
          file=sys.stderr)
sys.exit(1 if internal or bad else 0)
PY
echo "ok: each racing child reported once, ok; no thread killed in execve reported as failed"
