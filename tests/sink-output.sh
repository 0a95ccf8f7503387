#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Every sink at once against hostile data: a workload renamed (prctl) to a name
# holding a formula, commas, quotes, a newline, an ESC sequence and %n, exec'ing
# with hostile arguments. The CSV parses back with Python's csv module, the JSON
# lines with json, and a real rsyslogd on a private socket receives the messages
# with the right ident, facility, priority and body.
. "$srcdir/lib.sh"
need_root
# A private rsyslogd: its own socket, its own output file, nothing system-wide.
start_rsyslog '%syslogfacility-text%|%syslogseverity-text%|%programname%|%procid%|%msg%\n'

cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  audit: { type: csv, path: $TMP/events.csv }
  feed:  { type: json, path: $TMP/events.jsonl }
  ops:   { type: syslog, socket: $TMP/rs/log, ident: rt-test, facility: local3, priority: warning }
rules:
  - name: hostile
    probe: execve
    filter: { comm: ["=a,\"b\"\n\e[1m%n"] }
    outputs: [audit, feed, ops, stdout]
  - name: counted
    probe: sys_enter
    filter: { comm: ["+x\"y,z\t%s"] }
    outputs: [audit, feed, ops]
YAML

rt_start "$TMP/rules.yaml"
"$WORKLOAD" --comm $'=a,"b"\n\e[1m%n' --exec 3 -- /bin/echo '=1+2' 'a,b' 'q"q' \
	$'line\nbreak' $'\xff\xfe' '%n%s' '' || fail "exec workload"
"$WORKLOAD" --comm $'+x"y,z\t%s' --getppid 1000 || fail "count workload"
sleep 0.2
rt_stop INT
cat "$TMP/err"
expect_eq "exit status" "$RT_STATUS" 0

# Raw terminal output: no ESC byte and no line broken by the data.
grep -q $'\e' "$TMP/out" && fail "raw ESC reached stdout"
expect_eq "stdout exec lines" "$(grep -c '^[0-9:.]* *hostile ' "$TMP/out")" 3

python3 - "$TMP" <<'PY' || fail "sink contents"
import csv, json, sys
tmp = sys.argv[1]
comm = '=a,"b"\n\x1b[1m%n'
argv = ['/bin/echo', '=1+2', 'a,b', 'q"q', 'line\nbreak', '\\xff\\xfe', '%n%s', '']

# CSV: header, 3 exec rows with formula-neutralised, escaped values, then summary rows.
rows = list(csv.DictReader(open(f'{tmp}/events.csv', newline='')))
execs = [r for r in rows if r['event'] == 'exec']
assert len(execs) == 3, execs
for r in execs:
    assert r['rule'] == 'hostile', r
    # leading '=' neutralised with a quote; ESC shown as \x1b; the newline kept, quoted
    assert r['comm'] == "'" + comm.replace('\x1b', '\\x1b'), repr(r['comm'])
    assert r['filename'] == '/bin/echo', r
    assert r['argv'] == '/bin/echo =1+2 a,b "q\\"q" line\nbreak \\xff\\xfe %n%s ""', repr(r['argv'])
    assert r['truncated'] == '0' and r['uid'] == '0', r
summ = {(r['rule'], r['event']): r for r in rows if r['event'] in ('summary',)}
assert summ[('hostile', 'summary')]['count'] == '3', summ
assert summ[('counted', 'summary')]['count'] == '1001', summ
counts = [r for r in rows if r['event'] == 'count']
assert len(counts) == 1 and counts[0]['comm'] == "'" + '+x"y,z\t%s' and counts[0]['count'] == '1001', counts

# JSON lines: every line an object; exact values back, invalid bytes as \xNN text.
objs = [json.loads(l) for l in open(f'{tmp}/events.jsonl', encoding='utf-8')]
ev = [o for o in objs if o.get('event') == 'exec']
assert len(ev) == 3, ev
for o in ev:
    assert o['comm'] == comm and o['argv'] == argv and o['filename'] == '/bin/echo', o
    assert o['argv_truncated'] is False and o['rule'] == 'hostile', o
sm = {o['rule']: o for o in objs if o.get('event') == 'summary'}
assert sm['hostile']['delivered'] == 3 and sm['hostile']['lost'] == 0, sm
assert sm['counted']['counted'] == 1001 and sm['counted']['counts'] == [{'comm': '+x"y,z\t%s', 'count': 1001}], sm

# syslog: ident, facility, priority from the rules, our pid, one message per event,
# and a body the data could not split: no raw control bytes, values quoted.
lines = open(f'{tmp}/rs/messages', encoding='utf-8', errors='strict').read().splitlines()
execl = [l for l in lines if 'event=exec' in l]
assert len(execl) == 3, lines
for l in execl:
    fac, sev, ident, pid, msg = l.split('|', 4)
    assert (fac, sev, ident) == ('local3', 'warning', 'rt-test'), l
    assert pid.isdigit(), l
    assert 'comm="=a,\\"b\\"\\n\\x1b[1m%n"' in msg, msg
    assert 'argv="/bin/echo =1+2 a,b \\"q\\\\\\"q\\" line\\nbreak \\xff\\xfe %n%s \\"\\""' in msg, msg
    assert not any(ord(c) < 0x20 for c in msg), repr(msg)
summl = [l for l in lines if 'event=summary' in l]
assert any('rule="counted"' in l and 'counted=1001' in l for l in summl), summl
print('ok: csv, json and syslog contents exact')
PY
