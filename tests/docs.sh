#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The man pages render with man -l without a warning, and pass mandoc's lint.
. "$srcdir/lib.sh"
docs="$srcdir/../docs"
for page in "$docs/ruletrace.8" "$docs/ruletrace-rules.5"; do
	if command -v mandoc >/dev/null; then
		mandoc -T lint -W warning "$page" >"$TMP/lint" 2>&1 ||
			{ cat "$TMP/lint"; fail "mandoc lint: $page"; }
	fi
	if command -v man >/dev/null; then
		MANWIDTH=80 man -l "$page" >"$TMP/page" 2>"$TMP/warn" || fail "man -l $page"
		[ -s "$TMP/warn" ] && { cat "$TMP/warn"; fail "man -l warns on $page"; }
		grep -q "SEE ALSO" "$TMP/page" || fail "$page did not render"
	elif [ "${CI:-}" = true ]; then
		fail "man is not installed"
	fi
	echo "ok: $page"
done
# Every option in --help is documented in ruletrace(8).
for opt in $("$RULETRACE" --help | grep -oE -- '--[a-z-]+' | sort -u); do
	grep -q -- "Fl Fl ${opt#--}" "$docs/ruletrace.8" || fail "ruletrace(8) lacks $opt"
done
echo "ok: every --help option is in ruletrace(8)"
