#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Exec events that tell the truth. The oracle is the workload's manifest
# (--exec-truth: five execs from forked children of one comm, each in a known
# order, the argv each passed and how each ended), not ruletrace:
#   true-literal, sh-literal  argv strings on a page the child never read
#   missing                   ENOENT
#   true-200                  200 arguments
#   true-100k                 100 arguments of 1000 bytes: 100110 argv bytes
# Three runs, every event matched to the manifest by its pid:
#  1. rules for result success, failure and any (max_argv_bytes 128K, 131072 and
#     128KiB), each to its own JSON and CSV file, all to stdout (text): in each
#     sink exactly the filename and argv passed, result (ENOENT on the failed one),
#     pcomm and comm the workload's, ppid its pid, each exec once per rule, the
#     failed one only under failure and any; the summary's counts.
#  2. the default max_argv_bytes (8192), a rule with no result (success by
#     default) beside one with any, JSON, CSV, text and syslog: true-100k cut
#     after exactly the bytes that fit, argv_cut args and bytes the exact rest.
#  3. the perf buffer (--perf-buffer), a rule asking 128K: cut at the perf cap,
#     57344 bytes; result and pcomm as on the ring buffer.
. "$srcdir/lib.sh"
need_root
start_rsyslog '%msg%\n'

COMM=rt-truth

# The checker: python3 check.py TMP CONFIG (JSON: see the runs below).
cat >"$TMP/check.py" <<'PY'
import csv, json, re, sys

tmp, cfg = sys.argv[1], json.loads(sys.argv[2])
run, limit = cfg['run'], cfg['limit']

# The manifest: "workload PID COMM", then "exec KIND PID RESULT FILENAME ARGC BYTES ARGV..."
lines = [l.rstrip('\n').split('\t') for l in open(f'{tmp}/manifest')]
assert lines[0][0] == 'workload', lines[0]
wpid, comm = int(lines[0][1]), lines[0][2]
execs = {}
for f in lines[1:]:
    e = dict(kind=f[1], pid=int(f[2]), result=f[3], filename=f[4], argc=int(f[5]),
             total=int(f[6]), argv=f[7:])
    assert e['argc'] == len(e['argv']) and e['total'] == sum(len(a) + 1 for a in e['argv']), e
    execs[e['pid']] = e
assert [e['kind'] for e in execs.values()] == \
    ['true-literal', 'sh-literal', 'missing', 'true-200', 'true-100k'], execs.keys()
assert comm == cfg['comm'], comm
by_kind = {e['kind']: e for e in execs.values()}
assert by_kind['true-100k']['argc'] == 101 and by_kind['true-100k']['total'] == 100110

def expect(e):
    """What a rule keeping `limit` argv bytes shows: the arguments that fit, then
    the part of the next that does (partial), and the rest as a cut."""
    if e['total'] <= limit:
        return dict(shown=e['argv'], partial=False, cut=None)
    shown, used = [], 0
    for a in e['argv']:
        if used + len(a) + 1 > limit:
            rest = limit - used
            # The manifest's sizes put every limit here inside an argument.
            assert 0 < rest < len(a), (e['kind'], rest)
            shown.append(a[:rest])
            break
        shown.append(a)
        used += len(a) + 1
    # The cut counts every argument not shown whole: the partial one too.
    return dict(shown=shown, partial=True,
                cut={'args': e['argc'] - (len(shown) - 1), 'bytes': e['total'] - limit,
                     'exact': True})

def selected(sel):
    return {p for p, e in execs.items()
            if sel == 'any' or (sel == 'success') == (e['result'] == 'ok')}

def brief(argv):	# a long argv, short enough to read in a failure
    return [len(argv)] + [a if len(a) < 24 else f'{a[:8]}..({len(a)})..{a[-8:]}'
                          for a in argv[:3] + ['...'] + argv[-2:]]

def shown_arg(a):	# one argument as the text and CSV argv show it
    assert '"' not in a and '\\' not in a, a
    return a if a and ' ' not in a else f'"{a}"'

def check_json(rule, sel, path):
    objs = [json.loads(l) for l in open(f'{tmp}/{path}')]
    evs = [o for o in objs if o.get('event') == 'exec']
    pids = [o['pid'] for o in evs]
    assert sorted(pids) == sorted(selected(sel)), (run, rule, pids)	# each once
    for o in evs:
        e, x = execs[o['pid']], expect(execs[o['pid']])
        where = (run, rule, path, e['kind'])
        assert o['rule'] == rule and o['tid'] == o['pid'] and o['uid'] == 0, (where, o)
        assert o['ppid'] == wpid, (where, o['ppid'], wpid)
        assert o['comm'] == comm and o['pcomm'] == comm, (where, o['comm'], o['pcomm'])
        assert o['result'] == e['result'], (where, o['result'])
        assert o['filename'] == e['filename'] and o['filename_truncated'] is False, \
            (where, o['filename'])
        assert o['argv'] == x['shown'], (where, brief(o['argv']), brief(x['shown']))
        assert o['argv_cut'] == x['cut'], (where, o['argv_cut'], x['cut'])
        assert o['argv_truncated'] is (x['cut'] is not None), (where, o['argv_truncated'])
    summ = [o for o in objs if o.get('event') == 'summary' and o.get('rule') == rule]
    assert len(summ) == 1 and summ[0]['delivered'] == len(selected(sel)) and \
        summ[0]['lost'] == 0, (run, rule, summ)
    print(f'ok: {run}: {path}: {len(evs)} execs of rule {rule} ({sel}) exact')

OLD_COLUMNS = ['time', 'rule', 'event', 'pid', 'tid', 'ppid', 'uid', 'comm', 'syscall',
               'filename', 'argv', 'truncated', 'count', 'lost', 'filename_truncated']
NEW_COLUMNS = {'result', 'pcomm', 'argc', 'argv_cut_args', 'argv_cut_bytes', 'suppressed',
               'cgroup', 'unit', 'container'}

def check_csv(rule, sel, path):
    with open(f'{tmp}/{path}', newline='') as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    assert head[:15] == OLD_COLUMNS and set(head[15:]) == NEW_COLUMNS, (run, path, head)
    rows = [dict(zip(head, r)) for r in rows[1:]]
    evs = [r for r in rows if r['event'] == 'exec']
    pids = [int(r['pid']) for r in evs]
    assert sorted(pids) == sorted(selected(sel)), (run, rule, path, pids)
    for r in evs:
        e = execs[int(r['pid'])]
        x = expect(e)
        where = (run, rule, path, e['kind'])
        assert r['rule'] == rule and r['tid'] == r['pid'] and r['uid'] == '0', (where, r)
        assert r['ppid'] == str(wpid), (where, r['ppid'])
        assert r['comm'] == comm and r['pcomm'] == comm, (where, r['comm'], r['pcomm'])
        assert r['result'] == e['result'], (where, r['result'])
        assert r['filename'] == e['filename'] and r['filename_truncated'] == '0', where
        assert r['argc'] == str(e['argc']), (where, r['argc'])
        # The joined field marks a partial last argument as text does.
        want = ' '.join(shown_arg(a) for a in x['shown']) + ('...' if x['partial'] else '')
        assert r['argv'] == want, (where, r['argv'][:80], r['argv'][-80:], want[-80:])
        if x['cut']:
            assert (r['argv_cut_args'], r['argv_cut_bytes'], r['truncated']) == \
                (str(x['cut']['args']), str(x['cut']['bytes']), '1'), (where, r)
        else:
            # Nothing cut: empty (JSON's null), or 0.
            assert r['argv_cut_args'] in ('', '0') and r['argv_cut_bytes'] in ('', '0') \
                and r['truncated'] == '0', (where, r)
    print(f'ok: {run}: {path}: {len(evs)} execs of rule {rule} ({sel}) exact')

def check_text():
    out = open(f'{tmp}/out').read()
    events, _, summary = out.partition('\n--- ruletrace summary ---\n')
    lines = [l for l in events.split('\n') if l]
    norm = ' '.join(lines[0].split())
    assert norm == 'TIME RULE PID PPID UID COMM PCOMM RESULT FILENAME ARGS', (run, lines[0])
    seen = []
    for l in lines[1:]:
        m = re.match(r'(\S+) +(\S+) +(\d+) +(\d+) +(\d+) +(\S+) +(\S+) +(\S+) +(.*)$', l)
        assert m, (run, l[:200])
        _, rule, pid, ppid, uid, c, pc, result, rest = m.groups()
        e = execs[int(pid)]
        x = expect(e)
        where = (run, 'stdout', e['kind'])
        assert rule in cfg['stdout_rule'][e['result']], (where, rule)
        assert (int(ppid), uid, c, pc, result) == (wpid, '0', comm, comm, e['result']), \
            (where, l[:200])
        want = ' '.join(shown_arg(a) for a in [e['filename']] + x['shown'])
        if x['cut']:
            want += f"... [cut: {x['cut']['args']} args, {x['cut']['bytes']} bytes]"
        assert rest == want, (where, rest[:80], rest[-120:], want[-120:])
        seen.append((int(pid), rule))
    # each once under each rule that routes it there
    want = [(p, r) for p in selected(cfg['stdout_sel'])
            for r in cfg['stdout_rule'][execs[p]['result']]]
    assert sorted(seen) == sorted(want), (run, seen)
    for rule, sel in cfg['summary'].items():
        want = f'\nrule {rule}: execve, '
        at = summary.find(want)
        assert at >= 0, (run, want, summary)
        got = summary[at + 1:].split('\n')[1]
        n = len(selected(sel))
        assert got == f'  events: matched {n}, delivered {n}, suppressed 0, lost 0', \
            (run, rule, got)
    assert f"\nexecs: {len(selected(cfg['stdout_sel']))}\n" in summary, (run, summary)
    assert '\nevents lost: 0\n' in summary, (run, summary)
    print(f'ok: {run}: text: {len(seen)} exec lines exact, summary counts exact')

def check_syslog(path):
    # rsyslog keeps 8 KiB of a message: only the short execs are checked whole.
    msgs = [l for l in open(f'{tmp}/{path}') if re.match(r'\s*rule=\S* event=exec ', l)]
    pids = [int(re.search(r' pid=(\d+) ', m)[1]) for m in msgs]
    assert sorted(pids) == sorted(selected(cfg['stdout_sel'])), (run, 'syslog', pids)
    for m, pid in zip(msgs, pids):
        e = execs[pid]
        if e['kind'] == 'true-100k':
            continue
        for kv in (f' ppid={wpid} ', f' comm="{comm}"', f' pcomm="{comm}"',
                   f' filename="{e["filename"]}"',
                   ' argv="%s"' % ' '.join(shown_arg(a) for a in e['argv'])
                   .replace('"', '\\"')):
            assert kv in m, (run, 'syslog', e['kind'], kv, m[:300])
        assert re.search(r' result="?%s"?( |$)' % e['result'], m), (run, e['kind'], m[:300])
    print(f'ok: {run}: syslog: {len(msgs)} exec messages, result and pcomm')

for rule, (sel, jpath, cpath) in cfg['rules'].items():
    if jpath:
        check_json(rule, sel, jpath)
    if cpath:
        check_csv(rule, sel, cpath)
check_text()
if cfg.get('syslog'):
    check_syslog(cfg['syslog'])
PY

# run RULES [ARGS...]: ruletrace over one --exec-truth workload, its manifest in
# $TMP/manifest.
run() {
	rt_start "$@"
	"$WORKLOAD" --comm "$COMM" --exec-truth >"$TMP/manifest" || fail "workload --exec-truth"
	sleep 0.3
	rt_stop INT
	cat "$TMP/err"
	expect_eq "exit status" "$RT_STATUS" 0
}

# 1. success, failure, any: the whole argv of every exec (128K: all 100110 bytes).
cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  ok-json: { type: json, path: $TMP/ok.jsonl }
  ok-csv: { type: csv, path: $TMP/ok.csv }
  failed-json: { type: json, path: $TMP/failed.jsonl }
  failed-csv: { type: csv, path: $TMP/failed.csv }
  all-json: { type: json, path: $TMP/all.jsonl }
  all-csv: { type: csv, path: $TMP/all.csv }
rules:
  - name: ok
    probe: execve
    max_argv_bytes: 128K
    filter: { comm: [$COMM], result: success }
    outputs: [stdout, ok-json, ok-csv]
  - name: failed
    probe: execve
    max_argv_bytes: 131072
    filter: { comm: [$COMM], result: failure }
    outputs: [stdout, failed-json, failed-csv]
  - name: all
    probe: execve
    max_argv_bytes: 128KiB
    filter: { comm: [$COMM], result: any }
    outputs: [stdout, all-json, all-csv]
YAML
run "$TMP/rules.yaml"
grep -q "events via ring buffer" "$TMP/err" || fail "ring buffer: not used"
python3 "$TMP/check.py" "$TMP" "$(cat <<JSON
{"run": "128K", "comm": "$COMM", "limit": 131072,
 "rules": {"ok": ["success", "ok.jsonl", "ok.csv"],
           "failed": ["failure", "failed.jsonl", "failed.csv"],
           "all": ["any", "all.jsonl", "all.csv"]},
 "stdout_rule": {"ok": ["ok", "all"], "ENOENT": ["failed", "all"]}, "stdout_sel": "any",
 "summary": {"ok": "success", "failed": "failure", "all": "any"}}
JSON
)" || fail "run 1 (success, failure, any; 128K)"

# 2. the default limit, 8192 bytes: true-100k cut; the default result, success.
cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  all-json: { type: json, path: $TMP/all.jsonl }
  all-csv: { type: csv, path: $TMP/all.csv }
  dflt-json: { type: json, path: $TMP/dflt.jsonl }
  ops: { type: syslog, socket: $TMP/rs/log, ident: rt-test }
rules:
  - name: all
    probe: execve
    filter: { comm: [$COMM], result: any }
    outputs: [stdout, all-json, all-csv, ops]
  - name: dflt
    probe: execve
    filter: { comm: [$COMM] }
    outputs: [dflt-json]
YAML
run "$TMP/rules.yaml"
python3 "$TMP/check.py" "$TMP" "$(cat <<JSON
{"run": "default 8192", "comm": "$COMM", "limit": 8192,
 "rules": {"all": ["any", "all.jsonl", "all.csv"], "dflt": ["success", "dflt.jsonl", null]},
 "stdout_rule": {"ok": ["all"], "ENOENT": ["all"]}, "stdout_sel": "any",
 "summary": {"all": "any", "dflt": "success"}, "syslog": "rs/messages"}
JSON
)" || fail "run 2 (default max_argv_bytes)"

# 3. the perf buffer: a rule asking 128K gets the perf cap, 57344 bytes.
cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  all-json: { type: json, path: $TMP/all.jsonl }
  all-csv: { type: csv, path: $TMP/all.csv }
rules:
  - name: all
    probe: execve
    max_argv_bytes: 128K
    filter: { comm: [$COMM], result: any }
    outputs: [stdout, all-json, all-csv]
YAML
run "$TMP/rules.yaml" --perf-buffer
grep -q "events via perf buffer" "$TMP/err" || fail "perf buffer: not used"
python3 "$TMP/check.py" "$TMP" "$(cat <<JSON
{"run": "perf buffer", "comm": "$COMM", "limit": 57344,
 "rules": {"all": ["any", "all.jsonl", "all.csv"]},
 "stdout_rule": {"ok": ["all"], "ENOENT": ["all"]}, "stdout_sel": "any",
 "summary": {"all": "any"}}
JSON
)" || fail "run 3 (perf buffer)"
