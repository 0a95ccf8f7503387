#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Log rotation at a reload, each way logrotate does it, with exact rows: a file
# renamed away is opened again under its name (the old one keeps what it had);
# one emptied under ruletrace (copytruncate) is kept and gets its CSV header
# back; a deleted one is opened again; a path swapped for a symbolic link is
# refused at the reload, as at start, and the running file keeps its rows.
. "$srcdir/lib.sh"
need_root
NOLSAN="env ASAN_OPTIONS=detect_leaks=0"
cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  c: { type: csv, path: $TMP/a.csv }
rules:
  - { name: x, probe: execve, filter: { comm: [rt-rot] }, outputs: [c] }
YAML
rows() { grep -c ',exec,' "$1" || true; }
header() { head -1 "$1" | cut -d, -f1-3; }
execs() { $NOLSAN "$WORKLOAD" --comm rt-rot --exec "$1" -- /bin/true >/dev/null || fail workload; sleep 0.2; }

rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
execs 3
# 1. Renamed away (logrotate's default, with create): a new file under the name.
mv "$TMP/a.csv" "$TMP/a.csv.1"
hup "^ruletrace: reloaded"
execs 4
expect_eq "renamed: rows left in the old file" "$(rows "$TMP/a.csv.1")" 3
expect_eq "renamed: rows in the new file" "$(rows "$TMP/a.csv")" 4
expect_eq "renamed: the new file's header" "$(header "$TMP/a.csv")" "time,rule,event"
# 2. copytruncate: the same file, emptied under ruletrace.
cp "$TMP/a.csv" "$TMP/a.csv.2"
: >"$TMP/a.csv"
hup "^ruletrace: reloaded"
execs 5
expect_eq "copytruncate: rows after" "$(rows "$TMP/a.csv")" 5
expect_eq "copytruncate: the header again" "$(header "$TMP/a.csv")" "time,rule,event"
expect_eq "copytruncate: no NUL bytes" "$(tr -d '\0' <"$TMP/a.csv" | cmp -s - "$TMP/a.csv" && echo none)" none
# 3. Deleted: opened again, not written to the deleted file forever.
rm "$TMP/a.csv"
hup "^ruletrace: reloaded"
execs 2
expect_eq "deleted: rows in the file opened again" "$(rows "$TMP/a.csv")" 2
# 4. The path swapped for a symbolic link to the same file: refused, nothing moved.
mv "$TMP/a.csv" "$TMP/real.csv"
ln -s "$TMP/real.csv" "$TMP/a.csv"
hup "^ruletrace: reload failed"
grep -q "output 'c'" "$TMP/err" || { cat "$TMP/err"; fail "symlink: the refusal does not name the output"; }
execs 1
expect_eq "symlink: the running file took the row" "$(rows "$TMP/real.csv")" 3
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
expect_eq "written in all, across the files" "$(python3 -c '
import json, sys
print([o["written"] for o in json.load(open(sys.argv[1]))["outputs"] if o["name"] == "c"][0])' \
	"$TMP/s.json")" 15
echo "ok: rename, copytruncate, delete and symlink swap at a reload, rows exact"
