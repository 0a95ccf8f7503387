#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A prometheus output's max_series: 20 children of a workload, 3 getppid each,
# counted per pid with max_series 5 give exactly 5 series, ruletrace_series_cut
# 15, and the series plus ruletrace_syscalls_cut_total make the 60 counted,
# exactly; each series is one of the children's. promtool accepts the file.
. "$srcdir/lib.sh"
need_root
command -v promtool >/dev/null || skip "promtool not installed (apt-get install prometheus)"

children=20 k=3
prom=$TMP/ruletrace.prom
cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  prom: { type: prometheus, path: $prom, interval: 1s, max_series: 5 }
rules:
  - name: cap
    probe: sys_enter
    mode: count
    group_by: [pid]
    filter: { comm: [rt-prom-cap], syscalls: [getppid] }
    outputs: [prom]
YAML
rt_start -j "$TMP/sum.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm rt-prom-cap --children "$children" --child-getppid "$k" >"$TMP/pids" ||
	fail "workload"
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
expect_eq "children" "$(wc -l <"$TMP/pids")" "$children"
# The summary has every counter: the cap is the output's, not the run's.
expect_eq "counters in the summary" "$(jq '.rules[0].counts | length' "$TMP/sum.json")" "$children"

promtool check metrics <"$prom" >"$TMP/promtool.out" 2>&1 ||
	{ cat "$TMP/promtool.out"; fail "promtool check metrics refused the file"; }
grep '^ruletrace_syscalls_total{rule="cap",' "$prom" >"$TMP/series"
expect_eq "series written" "$(wc -l <"$TMP/series")" 5
while read -r line; do
	pid=$(sed -n 's/^ruletrace_syscalls_total{rule="cap",pid="\([0-9]*\)"} [0-9]*$/\1/p' <<<"$line")
	[ -n "$pid" ] || fail "not a series of pid alone: $line"
	grep -qx "$pid" "$TMP/pids" || fail "pid $pid is not one of the children"
	expect_eq "getppid of child $pid" "${line##* }" "$k"
done <"$TMP/series"
value() { sed -n "s/^$1 //p" "$prom"; }
expect_eq "ruletrace_series_cut" "$(value 'ruletrace_series_cut{rule="cap"}')" $((children - 5))
shown=$(awk '{ s += $2 } END { print s }' "$TMP/series")
cut=$(value 'ruletrace_syscalls_cut_total{rule="cap"}')
expect_eq "series + cut" $((shown + cut)) $((children * k))
expect_eq "ruletrace_syscalls_counted_total" \
	"$(value 'ruletrace_syscalls_counted_total{rule="cap"}')" $((children * k))
