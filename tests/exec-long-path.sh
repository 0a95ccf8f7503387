#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A program exec'd through a path of more than 255 bytes (nested directories) is
# shown cut at 255 bytes and marked so in every sink; one through a path of
# exactly 255 bytes is shown whole and not marked. Oracle: the paths themselves.
. "$srcdir/lib.sh"
need_root
start_rsyslog '%msg%\n'

# exact: 255 bytes; long: 255 + 78. Each directory name stays under NAME_MAX.
exact="$TMP/$(printf 'e%.0s' $(seq 1 $((255 - ${#TMP} - 1 - 2))))/t"
long="$TMP/$(printf 'l%.0s' $(seq 1 200))/$(printf 'm%.0s' $(seq 1 $((333 - ${#TMP} - 1 - 200 - 1 - 2))))/t"
expect_eq "exact path length" "${#exact}" 255
expect_eq "long path length" "${#long}" 333
for p in "$exact" "$long"; do
	mkdir -p "${p%/t}" && cp /bin/true "$p" || fail "cannot make $p"
done

cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  csv:  { type: csv, path: $TMP/events.csv }
  feed: { type: json, path: $TMP/events.jsonl }
  ops:  { type: syslog, socket: $TMP/rs/log, ident: rt-test }
rules:
  - name: paths
    probe: execve
    filter: { comm: [rt-longpath] }
    outputs: [csv, feed, ops, stdout]
YAML
run() {
	"$WORKLOAD" --comm rt-longpath --exec 1 -- "$exact" || fail "exec $exact"
	"$WORKLOAD" --comm rt-longpath --exec 1 -- "$long" || fail "exec $long"
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
cut = long[:255]
want = [(exact, False), (cut, True)]

text = [l for l in open(f'{tmp}/text') if ' paths ' in l]
assert len(text) == 2, text
assert f' {exact} ' in text[0] and f'{exact}...' not in text[0], text[0]
assert f' {cut}... ' in text[1], text[1]

rows = [r for r in csv.DictReader(open(f'{tmp}/events.csv', newline='')) if r['event'] == 'exec']
assert [(r['filename'], r['filename_truncated']) for r in rows] == [(f, str(int(t))) for f, t in want], rows

for src in ('events.jsonl', 'out'):	# both of the second run (the file is rewritten)
    objs = [json.loads(l) for l in open(f'{tmp}/{src}') if '"exec"' in l]
    got = [(o['filename'], o['filename_truncated']) for o in objs]
    assert got == want, (src, got)

msgs = [l for l in open(f'{tmp}/rs/messages') if 'event=exec' in l]
assert len(msgs) == 4, msgs
for m, (f, t) in zip(msgs, want * 2):
    assert f'filename="{f}" ' in m and f'filename_truncated={int(t)}' in m, m
print('ok: the 333-byte path cut at 255 and marked, the 255-byte one whole, in every sink')
PY
