#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A failed exec's arguments are read one by one from the caller, at most 4095 bytes
# of each (ruletrace(8)). An argument longer than that is not shown whole, so:
#   - text and CSV mark it cut ("..." after it), as they mark any cut argument,
#     and it ends what is shown: the arguments after it are counted as cut;
#   - it counts among the arguments not shown whole: the cut figures say at least 1
#     argument and at least 1 byte (its rest, with its NUL, was not read), never
#     "[cut: at least 0 args, 0 bytes]";
#   - JSON's argv_cut.args likewise counts it.
# And an argument of exactly 4095 bytes is read whole: nothing is cut, the figures
# are exact and the line has no [cut: ...].
# Oracle: tests/exec_attack failed-longarg LEN: execve("/nonexistent/rt-longarg",
# {"nx", LEN x 'L', "tail"}, NULL), which fails with ENOENT.
. "$srcdir/lib.sh"
need_root
need_exec_attack

cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $TMP/ev.jsonl }
  c: { type: csv, path: $TMP/ev.csv }
rules:
  - name: failed
    probe: execve
    filter: { comm: [rt-longarg], result: failure }
    outputs: [stdout, j, c]
YAML
rt_start "$TMP/rules.yaml"
"$EXEC_ATTACK" rt-longarg failed-longarg 10000 >"$TMP/oracle" || fail "exec_attack"
"$EXEC_ATTACK" rt-longarg failed-longarg 4095 >>"$TMP/oracle" || fail "exec_attack"
sleep 0.3
rt_stop INT
cat "$TMP/oracle" "$TMP/out" | cut -c1-140
read -r _ long _ < <(sed -n 1p "$TMP/oracle")
read -r _ exact _ < <(sed -n 2p "$TMP/oracle")

python3 - "$TMP" "$long" "$exact" <<'PY' || fail "failed exec with long arguments misreported"
import csv, json, re, sys
tmp, long_pid, exact_pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
bad = []
evs = {o['pid']: o for o in map(json.loads, open(f'{tmp}/ev.jsonl')) if o.get('event') == 'exec'}
rows = {int(r['pid']): r for r in csv.DictReader(open(f'{tmp}/ev.csv', newline=''))
        if r['event'] == 'exec'}
text = {int(l.split()[2]): l.rstrip('\n') for l in open(f'{tmp}/out')
        if re.match(r'\S+ +failed +\d+ ', l)}
for pid in (long_pid, exact_pid):
    if pid not in evs or pid not in rows or pid not in text:
        sys.exit(f'pid {pid}: not reported in every output')

# 10000 bytes of L: read as 4095, so cut; 5906 bytes (its rest and NUL) not shown.
o, r, t = evs[long_pid], rows[long_pid], text[long_pid]
cut = o['argv_cut'] or {}
if not o['argv_truncated']:
    bad.append('json: argv_truncated false')
if cut.get('args', 0) < 1:
    bad.append(f'json: argv_cut {cut}: the 10000-byte argument is not counted as cut')
if cut.get('bytes', 0) < 1:
    bad.append(f'json: argv_cut {cut}: no byte counted as not shown')
m = re.search(r' \[cut: (at least )?(\d+) args, (\d+) bytes\]$', t)
if not m or int(m[2]) < 1 or int(m[3]) < 1:
    bad.append('text: cut figures ' + (m[0] if m else 'missing'))
if not re.search(r' nx L{4095}\.\.\. ', t):
    bad.append('text: the 10000-byte argument is shown as if whole (no "..." after its 4095 bytes)')
if int(r['argv_cut_args'] or 0) < 1 or int(r['argv_cut_bytes'] or 0) < 1:
    bad.append(f"csv: argv_cut_args {r['argv_cut_args']}, argv_cut_bytes {r['argv_cut_bytes']}")
# A cut argument ends what is shown (the view has no way to go on past it).
if r['argv'] != 'nx ' + 'L' * 4095 + '...':
    bad.append('csv: the 10000-byte argument is shown as if whole (no "...")')

# 4095 bytes of L: read whole; nothing cut.
o, r, t = evs[exact_pid], rows[exact_pid], text[exact_pid]
if o['argv'] != ['nx', 'L' * 4095, 'tail'] or o['argv_truncated'] or o['argv_cut'] is not None:
    bad.append(f"json: the 4095-byte argument, read whole, is called cut: argv_cut {o['argv_cut']}")
if '[cut:' in t:
    bad.append('text: the 4095-byte argument, read whole, is called cut: ' + t[t.index('[cut:'):])
if r['truncated'] != '0':
    bad.append('csv: truncated=1 for an argument read whole')
for b in bad:
    print('FAIL:', b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
echo "ok: failed execs with long arguments reported as cut, exactly"
