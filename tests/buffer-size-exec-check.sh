#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# An execve rule's buffer_size at the documented least, 16K (ruletrace-rules(5):
# "An exec event needs at least 16K: an execve rule's buffer_size is at least
# that"), with the default max_argv_bytes (8K): --check says "ok", but a run
# refuses it, exit status 2, "give it a buffer_size of at least 24768", a size
# that is not a power of two and so refused in turn. A careless operator checks
# the file, installs it, and the service does not start; then follows the
# message, and it still does not.
# Want: --check and a run agree (--check: "including the checks that only show
# when its rules are put together"; the rule is refused from the file alone);
# and a size the error asks for is one buffer_size takes, with which the run starts.
. "$srcdir/lib.sh"
need_root

rules() {	# rules BUFFER_SIZE
	cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - name: execs
    probe: execve
    filter: { comm: [rt-bsec] }
    buffer_size: $1
YAML
}

rules 16K
st=0
"$RULETRACE" -d 200ms "$TMP/rules.yaml" >"$TMP/out" 2>"$TMP/err" || st=$?
cst=0
"$RULETRACE" --check "$TMP/rules.yaml" >"$TMP/cout" 2>"$TMP/cerr" || cst=$?
echo "run: exit $st: $(cat "$TMP/err")"
echo "--check: exit $cst: $(cat "$TMP/cout" "$TMP/cerr")"
if [ "$st" = 0 ]; then
	echo "ok: buffer_size 16K runs"
	exit 0
fi
expect_eq "--check agrees with the run" "$cst" "$st"
want=$(grep -o "buffer_size of at least [0-9]*" "$TMP/err" | grep -o "[0-9]*$")
[ -n "$want" ] || fail "the refusal does not say what size would do"
rules "$want"
"$RULETRACE" -d 200ms "$TMP/rules.yaml" >"$TMP/out" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "buffer_size $want, as the error asked, is refused too"; }
echo "ok: buffer_size $want, as asked, runs"
