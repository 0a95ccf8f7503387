#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A reload that writes out a rule's buffer_size as the size its ring already has
# (the run's --buffer-size, default 1M) changes nothing of the ring. ruletrace(8):
# "A rule whose buffer_size a reload changes gets a new ring, and so a new start";
# rules that keep their name, probe, mode and group_by "keep their counts". But
# plan.c compared the key as written (absent: 0) and not the ring's size, so the
# rule was replaced: counts back to 0, a new ring, a full rate_limit bucket again.
# Oracle: 100 getuid calls; a reload adding "buffer_size: 1M" (the default); 100
# more; a reload to "buffer_size: 1024K" (the same); 100 more: both reloads keep
# the rules' counts, 300 matched and delivered; and rule b's bucket: burst 150 a
# day lets exactly 150 through.
. "$srcdir/lib.sh"
need_root

rules() {	# rules EXTRA_KEYS
	cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - { name: a, probe: sys_enter, mode: stream, filter: { comm: [rt-rbss], syscalls: [getuid] }$1 }
  - { name: b, probe: sys_enter, mode: stream, filter: { comm: [rt-rbss], syscalls: [getuid] }, rate_limit: { events: 1, per: 24h, burst: 150 }$1 }
YAML
}

rules ""
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm rt-rbss --getuid 100 || fail workload
rules ", buffer_size: 1M"
hup "reloaded"
"$WORKLOAD" --comm rt-rbss --getuid 100 || fail workload
rules ", buffer_size: 1024K"
hup "reloaded"
"$WORKLOAD" --comm rt-rbss --getuid 100 || fail workload
rt_stop INT
grep "^ruletrace: reload:" "$TMP/err"
[ "$(grep -c "counts kept for 2" "$TMP/err")" = 2 ] ||
	fail "a buffer_size equal to the ring's size replaced the rules (counts not kept)"
grep -qxF "  events: matched 300, delivered 300, suppressed 0, lost 0" "$TMP/out" ||
	{ cat "$TMP/out"; fail "rule a: events line"; }
grep -qxF "  events: matched 300, delivered 150, suppressed 150, lost 0" "$TMP/out" ||
	{ cat "$TMP/out"; fail "rule b: its rate_limit bucket was refilled"; }
expect_eq "exit status" "$RT_STATUS" 0
