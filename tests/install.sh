#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make install into a scratch DESTDIR puts every file in place, keeps an existing
# system rule file, and the installed unit passes systemd-analyze verify.
. "$srcdir/lib.sh"
top=$(cd "$(dirname "$RULETRACE")" && pwd)
dest="$TMP/root"
# Run from make check: the parent's jobserver flags mean nothing to these makes.
unset MAKEFLAGS MFLAGS MAKELEVEL
make -s -C "$top" install DESTDIR="$dest" >/dev/null || fail "make install"
dirs=$(make -s -C "$top" -f - print-dirs <<'MK' | grep '^prefix='
include Makefile
print-dirs:
	@echo prefix=$(prefix) sbindir=$(sbindir) datadir=$(datadir) sysconfdir=$(sysconfdir) mandir=$(mandir) unitdir=$(systemdsystemunitdir)
MK
)
[ -n "$dirs" ] || fail "could not read the install directories from Makefile"
eval "$dirs"
for f in "$sbindir/ruletrace" "$sysconfdir/ruletrace/rules.yaml" \
	"$datadir/ruletrace/rules/default.yaml" "$datadir/ruletrace/rules/syscount.yaml" \
	"$mandir/man8/ruletrace.8" "$mandir/man5/ruletrace-rules.5" \
	"$unitdir/ruletrace.service" "$sysconfdir/logrotate.d/ruletrace" \
	"$datadir/bash-completion/completions/ruletrace"; do
	[ -e "$dest$f" ] || fail "not installed: $f"
done
echo "ok: every file installed under DESTDIR"
grep -q "^ExecStart=$sbindir/ruletrace --allow-loss $sysconfdir/ruletrace/rules.yaml$" \
	"$dest$unitdir/ruletrace.service" || fail "unit's ExecStart"

# An operator's rule file survives a second install.
echo "# mine" >>"$dest$sysconfdir/ruletrace/rules.yaml"
make -s -C "$top" install DESTDIR="$dest" >/dev/null || fail "second make install"
grep -q "^# mine$" "$dest$sysconfdir/ruletrace/rules.yaml" || fail "rules.yaml overwritten"
echo "ok: an existing rules.yaml is kept"

if command -v systemd-analyze >/dev/null; then
	# verify resolves ExecStart: point it at this tree's binary.
	sed -e "s|$sbindir/ruletrace|$top/ruletrace|g" -e "s|$sysconfdir|$dest$sysconfdir|g" \
		"$dest$unitdir/ruletrace.service" >"$TMP/ruletrace.service"
	# Documentation=man:... is checked with man(1): show it the installed pages.
	MANPATH="$dest$mandir" systemd-analyze verify "$TMP/ruletrace.service" >"$TMP/verify" 2>&1 ||
		{ cat "$TMP/verify"; fail "systemd-analyze verify"; }
	[ ! -s "$TMP/verify" ] || { cat "$TMP/verify"; fail "systemd-analyze verify printed warnings"; }
	echo "ok: systemd-analyze verify"
elif [ "${CI:-}" = true ]; then
	fail "systemd-analyze not installed"
fi
completion="$dest$datadir/bash-completion/completions/ruletrace"
bash -n "$completion" || fail "completion syntax"
for opt in $("$top/ruletrace" --help | grep -oE -- '--[a-z-]+' | sort -u); do
	grep -q -- "$opt\b" "$completion" || fail "bash completion lacks $opt"
done
# What completing "ruletrace --du" offers, through the installed function.
got=$(bash -c '. "$1"; COMP_WORDS=(ruletrace --du); COMP_CWORD=1; _ruletrace;
	echo "${COMPREPLY[*]}"' _ "$completion")
expect_eq "completion of --du" "$got" "--duration"
echo "ok: bash completion offers every option"
