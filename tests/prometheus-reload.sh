#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A prometheus output across reloads: a rule added shows at once (zero series,
# ruletrace_reloads_total, rules_loaded), a rule's count is kept; an output whose
# interval changes is reopened and its written count goes on, never backwards (a
# counter that fell would read as a reset); a reload refused for its prometheus
# path leaves the running output writing.
. "$srcdir/lib.sh"
need_root

prom=$TMP/r.prom
rules() {	# rules INTERVAL PATH [SECOND-RULE]
	cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  prom: { type: prometheus, path: $2, interval: $1 }
rules:
  - { name: a, probe: sys_enter, filter: { comm: [rt-prom-r1], syscalls: [getppid] }, outputs: [prom] }
${3:-}
YAML
}
value() { sed -n "s/^$1 //p" "$prom"; }
# until_value SERIES WANT: wait (5 s at most) until the file shows it.
until_value() {
	for _ in $(seq 1 250); do [ "$(value "$1")" = "$2" ] && return 0; sleep 0.02; done
	cat "$prom" >&2
	fail "$1: $(value "$1"), want $2"
}
written() { value 'ruletrace_output_events_written_total{output="prom",type="prometheus"}'; }

rules 200ms "$prom"
rt_start -j "$TMP/sum.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm rt-prom-r1 --getppid 5 || fail workload
until_value 'ruletrace_syscalls_counted_total{rule="a"}' 5

# A rule added: in the file at once, at zero; a's count kept.
rules 200ms "$prom" "  - { name: b, probe: sys_enter, filter: { comm: [rt-prom-r2] }, outputs: [prom] }"
hup reloaded
until_value 'ruletrace_reloads_total' 1
until_value 'ruletrace_syscalls_counted_total{rule="b"}' 0
expect_eq "rules loaded" "$(value ruletrace_rules_loaded)" 2
expect_eq "a's count kept" "$(value 'ruletrace_syscalls_counted_total{rule="a"}')" 5
echo "ok: a rule added shows in the file"

# The interval changed: the output reopened, its written count goes on.
before=$(written)
rules 300ms "$prom" "  - { name: b, probe: sys_enter, filter: { comm: [rt-prom-r2] }, outputs: [prom] }"
hup reloaded
until_value 'ruletrace_reloads_total' 2
after=$(written)
[ "$after" -gt "$before" ] || fail "written went from $before to $after across the reload"
echo "ok: written $before, then $after after the output was reopened"

# A reload that names a directory is refused; the running output goes on.
mkdir "$TMP/dir"
rules 300ms "$TMP/dir" "  - { name: b, probe: sys_enter, filter: { comm: [rt-prom-r2] }, outputs: [prom] }"
hup "reload failed"
grep -qF "reload: $TMP/rules.yaml:3:3: output 'prom': open $TMP/dir: is a directory" "$TMP/err" ||
	{ cat "$TMP/err"; fail "refused reload: message"; }
"$WORKLOAD" --comm rt-prom-r1 --getppid 4 || fail workload
until_value 'ruletrace_syscalls_counted_total{rule="a"}' 9
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
expect_eq "written, file and summary" "$(written)" \
	"$(jq '.outputs[] | select(.name == "prom") | .written' "$TMP/sum.json")"
expect_eq "reloads" "$(value ruletrace_reloads_total)" 2
