#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# An operator upgrades and keeps a csv output with append: true, as README.md
# recommends for logs. The file holds the old 15-column header and rows; the new
# exec rows have 24 fields. Appending them under the 15-column header makes a file
# no header-driven reader takes (pandas: "Expected 15 fields ... saw 24"; Python's
# DictReader files the last nine under None). A mature tool does not corrupt the
# file in silence: it either refuses the output at start (exit status 2, saying
# the header differs), or leaves a file whose every row has as many fields as its
# header. Oracle: the file itself.
. "$srcdir/lib.sh"
need_root

printf '%s\r\n' \
	'time,rule,event,pid,tid,ppid,uid,comm,syscall,filename,argv,truncated,count,lost,filename_truncated' \
	'2026-01-01T00:00:00.000000Z,old,exec,1,1,0,0,bash,,/bin/ls,ls,0,,,0' >"$TMP/execs.csv"
cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  audit: { type: csv, path: $TMP/execs.csv, append: true }
rules:
  - name: r
    probe: execve
    filter: { comm: [rt-append] }
    outputs: [audit]
YAML
"$RULETRACE" --ready-fd 9 "$TMP/rules.yaml" >"$TMP/out" 2>"$TMP/err" 9>"$TMP/ready" &
RT_PID=$!
for _ in $(seq 1 200); do
	grep -q '^READY=1' "$TMP/ready" && break
	kill -0 "$RT_PID" 2>/dev/null || break
	sleep 0.05
done
if ! grep -q '^READY=1' "$TMP/ready"; then
	RT_STATUS=0
	wait "$RT_PID" || RT_STATUS=$?
	RT_PID=
	cat "$TMP/err"
	expect_eq "refused at start: exit status" "$RT_STATUS" 2
	grep -qi "header" "$TMP/err" || fail "refused, but without saying the header differs"
	echo "ok: refused the old-format file"
	exit 0
fi
"$WORKLOAD" --comm rt-append --exec 2 -- /bin/true x || fail "workload"
sleep 0.2
rt_stop INT
cat "$TMP/err"
cat -A "$TMP/execs.csv" | cut -c1-160
python3 - "$TMP/execs.csv" <<'PY' || fail "rows of another width appended under the old header"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
widths = [len(r) for r in rows]
print('header fields', widths[0], 'row fields', widths[1:])
sys.exit(0 if all(w == widths[0] for w in widths) else 1)
PY
echo "ok: every row as wide as the header"
