#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The command line without the kernel: help, version, --check on every shipped rule
# file and on every bad fixture (exit 2, FILE:LINE:COLUMN), bad options.
. "$srcdir/lib.sh"

"$RULETRACE" --help >"$TMP/help" || fail "--help exited $?"
grep -q "^Usage: ruletrace" "$TMP/help" || fail "--help has no usage line"
grep -q -- "--duration" "$TMP/help" || fail "--help does not mention --duration"
"$RULETRACE" --version | grep -Eq '^ruletrace [0-9]+\.[0-9]+' || fail "--version"
echo "ok: --help, --version"

# Every shipped rule file validates, and so does the built-in default.
for f in "$RULES_DIR"/*.yaml; do
	"$RULETRACE" --check "$f" >"$TMP/check" 2>&1 || { cat "$TMP/check"; fail "--check $f"; }
	grep -q ": ok (" "$TMP/check" || fail "--check $f printed no ok"
done
"$RULETRACE" --check | grep -q "^<built-in default>: ok" || fail "--check (built-in)"
echo "ok: --check on every file in rules/"

# Every bad fixture: exit 2 and an error naming the file, a line and a column.
n=0
for f in "$srcdir"/data/bad-*.yaml; do
	st=0
	"$RULETRACE" --check "$f" >"$TMP/out" 2>"$TMP/err" || st=$?
	[ "$st" = 2 ] || { cat "$TMP/err"; fail "$f: exit $st, want 2"; }
	grep -Eq "^ruletrace: $f(:[0-9]+:[0-9]+)?: " "$TMP/err" ||
		{ cat "$TMP/err"; fail "$f: no FILE:LINE:COLUMN error"; }
	[ -s "$TMP/out" ] && fail "$f: printed on stdout"
	n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n bad fixtures"
# Rules that are each valid but cannot run together: caught by --check too.
st=0
"$RULETRACE" --check "$srcdir/data/cross-attach-conflict.yaml" 2>"$TMP/err" || st=$?
expect_eq "conflicting attach modes: exit status" "$st" 2
grep -qF "cross-attach-conflict.yaml:4:5: rule 'b' asks for attach kprobe but rule 'a' asks for tracepoint" "$TMP/err" ||
	fail "conflicting attach modes message"
echo "ok: $n bad rule files rejected with exit 2 and FILE:LINE:COLUMN"

expect_status() {
	local want=$1; shift
	st=0
	"$RULETRACE" "$@" >"$TMP/out" 2>"$TMP/err" || st=$?
	[ "$st" = "$want" ] || { cat "$TMP/err"; fail "ruletrace $*: exit $st, want $want"; }
}
expect_status 2 --no-such-option
expect_status 2 --duration 10parsecs --check
grep -q "bad duration '10parsecs'" "$TMP/err" || fail "bad duration message"
expect_status 2 --check "$RULES_DIR/default.yaml" "$RULES_DIR/hello.yaml"
expect_status 2 --check "$TMP/does-not-exist.yaml"
grep -q "does-not-exist.yaml: No such file or directory" "$TMP/err" || fail "missing file message"
expect_status 2 --check "$TMP"
grep -q "not a regular file" "$TMP/err" || fail "directory message"
echo "ok: bad command lines exit 2"
