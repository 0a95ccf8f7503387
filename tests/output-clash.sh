#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Outputs that are one file, and runs that fail: found by attacking the tool.
# - A start that fails (a FIFO output, a -j in a missing directory) and a reload
#   that fails leave every existing output file exactly as it was: truncation
#   waits until the rule file has opened and attached whole.
# - Two outputs, an output and --summary-json, or -j and the rule file, that are
#   one file by any names are refused with FILE:LINE:COL (exit 2; at reload the
#   running rules stay), never interleaved.
. "$srcdir/lib.sh"
need_root

precious() { printf 'time,rule\nprecious,row\n' >"$TMP/keep.csv"; }
intact() { [ "$(cat "$TMP/keep.csv")" = "$(printf 'time,rule\nprecious,row')" ] || fail "$1: keep.csv changed"; echo "ok: $1: keep.csv intact"; }
two_outputs() {	# two_outputs SECOND-OUTPUT: keep.csv (not appended) and a second output
	cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  keep: { type: csv, path: $TMP/keep.csv }
  other: $1
rules:
  - name: execs
    probe: execve
    filter: { comm: [rt-clash] }
    outputs: [keep, other]
YAML
}

# A failed start leaves keep.csv alone.
mkfifo "$TMP/fifo"
precious
two_outputs "{ type: json, path: $TMP/fifo }"
st=0; "$RULETRACE" -d 1s "$TMP/rules.yaml" >"$TMP/out" 2>"$TMP/err" || st=$?
expect_eq "FIFO second output: exit status" "$st" 2
intact "failed start (FIFO)"
two_outputs "{ type: json, path: $TMP/j.json }"
st=0; "$RULETRACE" -d 1s -j "$TMP/nodir/s.json" "$TMP/rules.yaml" >"$TMP/out" 2>"$TMP/err" || st=$?
expect_eq "-j in a missing directory: exit status" "$st" 2
intact "failed start (-j)"

# The same file under two names: refused, at start, with where.
ln -s . "$TMP/here"
two_outputs "{ type: json, path: $TMP/./keep.csv }"
st=0; "$RULETRACE" -d 1s "$TMP/rules.yaml" >"$TMP/out" 2>"$TMP/err" || st=$?
expect_eq "two outputs, one file: exit status" "$st" 2
grep -qF "$TMP/rules.yaml:4:3: output 'other' is the same file as output 'keep': refused" "$TMP/err" ||
	{ cat "$TMP/err"; fail "two outputs, one file: no FILE:LINE:COL message"; }
intact "two outputs, one file"
two_outputs "{ type: json, path: $TMP/j.json }"
st=0; "$RULETRACE" -d 1s -j "$TMP/keep.csv" "$TMP/rules.yaml" >"$TMP/out" 2>"$TMP/err" || st=$?
expect_eq "-j onto an output: exit status" "$st" 2
grep -qF "$TMP/rules.yaml:3:3: output 'keep' is the same file as --summary-json: refused" "$TMP/err" ||
	{ cat "$TMP/err"; fail "-j onto an output: no message"; }
intact "-j onto an output"
cp "$TMP/rules.yaml" "$TMP/rules.copy"
st=0; "$RULETRACE" -d 1s -j "$TMP/rules.yaml" "$TMP/rules.yaml" >"$TMP/out" 2>"$TMP/err" || st=$?
expect_eq "-j onto the rule file: exit status" "$st" 2
grep -qF -- "--summary-json is the same file as the rule file: refused" "$TMP/err" ||
	{ cat "$TMP/err"; fail "-j onto the rule file: no message"; }
cmp -s "$TMP/rules.yaml" "$TMP/rules.copy" || fail "-j onto the rule file: the rule file changed"
echo "ok: -j onto the rule file refused, the rule file intact"

# A running CSV keeps its rows when a reload fails (a FIFO), and when a reload
# names the same file twice; the rows go on, whole, after the header.
two_outputs "{ type: json, path: $TMP/j.json }"
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm rt-clash --exec 5
two_outputs "{ type: json, path: $TMP/fifo }"
kill -HUP "$RT_PID"
for _ in $(seq 1 100); do grep -q "reload failed" "$TMP/err" && break; sleep 0.05; done
grep -q "reload failed" "$TMP/err" || fail "FIFO at reload: not refused"
two_outputs "{ type: json, path: $TMP/here/keep.csv }"
: >"$TMP/err.before"; cp "$TMP/err" "$TMP/err.before"
kill -HUP "$RT_PID"
for _ in $(seq 1 100); do [ "$(grep -c "reload failed" "$TMP/err")" -ge 2 ] && break; sleep 0.05; done
grep -qF "output 'other' is the same file as output 'keep': refused" "$TMP/err" ||
	{ cat "$TMP/err"; fail "same file at reload: not refused"; }
"$WORKLOAD" --comm rt-clash --exec 7
rt_stop INT
expect_eq "failed reloads: exit status" "$RT_STATUS" 0
tr -d '\0' <"$TMP/keep.csv" | cmp -s - "$TMP/keep.csv" || fail "keep.csv has NUL bytes"
head -1 "$TMP/keep.csv" | grep -q '^time,rule,event' || fail "keep.csv lost its header"
expect_eq "exec rows kept across failed reloads" "$(grep -c ',exec,' "$TMP/keep.csv")" 12
expect_eq "written" "$(jq '.outputs[] | select(.name == "keep") | .written' "$TMP/s.json")" 12
