#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The man pages render with man -l without a warning, and pass mandoc's lint.
. "$srcdir/lib.sh"
docs="$srcdir/../docs"

# Every option in --help is documented in ruletrace(8): needs neither tool.
for opt in $("$RULETRACE" --help | grep -oE -- '--[a-z-]+' | sort -u); do
	grep -q -- "Fl Fl ${opt#--}" "$docs/ruletrace.8" || fail "ruletrace(8) lacks $opt"
done
echo "ok: every --help option is in ruletrace(8)"

# With neither tool nothing below would run: a skip (a failure under CI=true), not
# an "ok". scripts/deps.sh installs both.
have_mandoc=
have_man=
command -v mandoc >/dev/null && have_mandoc=1
command -v man >/dev/null && have_man=1
[ -n "$have_mandoc$have_man" ] ||
	skip "neither mandoc nor man is installed (apt-get install mandoc man-db)"
if [ "${CI:-}" = true ]; then
	[ -n "$have_mandoc" ] || fail "mandoc is not installed"
	[ -n "$have_man" ] || fail "man is not installed"
fi
[ -n "$have_mandoc" ] || echo "skipped: mandoc lint (mandoc is not installed)"
[ -n "$have_man" ] || echo "skipped: man -l rendering (man is not installed)"

for page in "$docs/ruletrace.8" "$docs/ruletrace-rules.5"; do
	if [ -n "$have_mandoc" ]; then
		mandoc -T lint -W warning "$page" >"$TMP/lint" 2>&1 ||
			{ cat "$TMP/lint"; fail "mandoc lint: $page"; }
	fi
	if [ -n "$have_man" ]; then
		MANWIDTH=80 man -l "$page" >"$TMP/page" 2>"$TMP/warn" || fail "man -l $page"
		[ -s "$TMP/warn" ] && { cat "$TMP/warn"; fail "man -l warns on $page"; }
		grep -q "SEE ALSO" "$TMP/page" || fail "$page did not render"
	fi
	echo "ok: $page"
done
