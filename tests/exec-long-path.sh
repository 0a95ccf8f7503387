#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A program exec'd through a path of 4095 bytes (the most the kernel takes, nested
# directories) is shown whole and unmarked in every sink: a successful exec's name
# comes from the kernel's own copy. One through a path of 4200 bytes fails with
# ENAMETOOLONG; its name, read from the caller's memory, is shown cut at 4095
# bytes and marked so. Oracle: the paths themselves, and the kernel's PATH_MAX.
. "$srcdir/lib.sh"
need_root
start_rsyslog '%msg%\n'

# A path of n bytes under $TMP: directories of 200 bytes, then a file name.
deep_path() {
	local n=$1 c=$2 p="$TMP" d
	while [ $((n - ${#p})) -gt 210 ]; do
		d=$(printf "$c%.0s" $(seq 1 200))
		p="$p/$d"
	done
	printf '%s/%s' "$p" "$(printf 't%.0s' $(seq 1 $((n - ${#p} - 1))))"
}
exact=$(deep_path 4095 e)
long=$(deep_path 4200 l)
expect_eq "exact path length" "${#exact}" 4095
expect_eq "long path length" "${#long}" 4200
mkdir -p "${exact%/*}" && cp /bin/true "$exact" || fail "cannot make $exact"

cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  csv:  { type: csv, path: $TMP/events.csv }
  feed: { type: json, path: $TMP/events.jsonl }
  ops:  { type: syslog, socket: $TMP/rs/log, ident: rt-test }
rules:
  - name: paths
    probe: execve
    filter: { comm: [rt-longpath], result: any }
    outputs: [csv, feed, ops, stdout]
YAML
run() {
	"$WORKLOAD" --comm rt-longpath --exec 1 -- "$exact" || fail "exec $exact"
	# The child's execve fails (ENAMETOOLONG) and it exits 127: the workload says so.
	! "$WORKLOAD" --comm rt-longpath --exec 1 -- "$long" 2>/dev/null ||
		fail "exec $long did not fail"
	sleep 0.2
}
rt_start "$TMP/rules.yaml"
run
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
cp "$TMP/out" "$TMP/text"

# stdout in JSON, in a second run.
sed -i 's/^outputs:$/outputs:\n  stdout: { type: stdout, format: json }/' "$TMP/rules.yaml"
rt_start "$TMP/rules.yaml"
run
rt_stop INT
expect_eq "exit status (stdout json)" "$RT_STATUS" 0

python3 - "$TMP" "$exact" "$long" <<'PY' || fail "filename marks"
import csv, json, sys
tmp, exact, long = sys.argv[1:]
cut = long[:4095]
want = [(exact, False), (cut, True)]
results = ['ok', 'ENAMETOOLONG']

text = [l for l in open(f'{tmp}/text') if ' paths ' in l]
assert len(text) == 2, text
assert f' ok      {exact} ' in text[0] and f'{exact}...' not in text[0], text[0]
assert f' ENAMETOOLONG {cut}... ' in text[1], text[1]

rows = [r for r in csv.DictReader(open(f'{tmp}/events.csv', newline='')) if r['event'] == 'exec']
assert [(r['filename'], r['filename_truncated']) for r in rows] == [(f, str(int(t))) for f, t in want], rows
assert [r['result'] for r in rows] == results, rows

for src in ('events.jsonl', 'out'):	# both of the second run (the file is rewritten)
    objs = [json.loads(l) for l in open(f'{tmp}/{src}') if '"exec"' in l]
    got = [(o['filename'], o['filename_truncated']) for o in objs]
    assert got == want, (src, got)
    assert [o['result'] for o in objs] == results, src

msgs = [l for l in open(f'{tmp}/rs/messages') if 'event=exec' in l]
assert len(msgs) == 4, msgs
for m, (f, t) in zip(msgs, want * 2):
    assert f'filename="{f}" ' in m and f'filename_truncated={int(t)}' in m, m
for m, r in zip(msgs, results * 2):
    assert f' result={r} ' in m, m
print('ok: the 4095-byte path whole, the 4200-byte one (ENAMETOOLONG) cut at 4095 and marked, in every sink')
PY
