#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Figures that must add up, found by attacking the tool:
# - a rule a reload removes takes its losses with it no more: they stay in the
#   total and the exit status (lost.removed_rules);
# - with -n, each stream rule accounts for every event it matched:
#   matched = events + lost_in_kernel + unread_at_stop + not_delivered_after_max_events;
# - --interval summaries never hold up the run when stdout is blocked: they are
#   skipped (said once), and a pipe that nobody reads holds whole lines only,
#   exactly as many as stdout's "written".
. "$srcdir/lib.sh"
need_root
command -v jq >/dev/null || skip "jq not installed"

stream() {	# stream NAME COMM: a stream rule on COMM's getppid
	printf '  - { name: %s, probe: sys_enter, mode: stream, filter: { comm: [%s], syscalls: [getppid] }, outputs: [f] }\n' "$1" "$2"
}
header() { printf 'version: 1\noutputs:\n  f: { type: json, path: %s, append: true }\nrules:\n' "$TMP/f.json"; }

# 1. Losses of a removed rule.
{ header; stream gone rt-fig-a; } >"$TMP/rules.yaml"
rt_start --buffer-size 4K -j "$TMP/s.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm rt-fig-a --getppid 200000
{ header; stream idle rt-fig-none; } >"$TMP/rules.yaml"
kill -HUP "$RT_PID"
for _ in $(seq 1 100); do grep -q "reloaded" "$TMP/err" && break; sleep 0.05; done
grep -q "reloaded" "$TMP/err" || fail "no reload"
rt_stop TERM
removed=$(jq '.lost.removed_rules' "$TMP/s.json")
[ "$removed" -gt 0 ] || fail "a flood into a 4K buffer lost nothing? removed_rules=$removed"
expect_eq "removed rule: delivered + lost" \
	"$(( $(grep -c '"rule":"gone"' "$TMP/f.json") + removed ))" 200000
expect_eq "lost total includes the removed rule's" "$(jq '.lost.total' "$TMP/s.json")" "$removed"
expect_eq "exit status with a removed rule's losses" "$RT_STATUS" 3
grep -q "^events lost by rules a reload removed: $removed$" "$TMP/out" || fail "no text summary line"

# 2. -n: the per-rule identity holds.
rm -f "$TMP/f.json"
{ header; stream one rt-fig-b; stream two rt-fig-b; } >"$TMP/rules.yaml"
rt_start -n 5000 -j "$TMP/s.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm rt-fig-b --getppid 100000
for _ in $(seq 1 100); do kill -0 "$RT_PID" 2>/dev/null || break; sleep 0.05; done
rt_stop INT
# The run ends at 5000 delivered, each rule's copy one of them (the rules' rings
# are read in turns): the kernel matched what it saw until the detach.
total=$(jq "[.rules[].matched] | add" "$TMP/s.json")
[ "$total" -ge 5000 ] || fail "-n 5000: matched $total in all"
for r in 0 1; do
	matched=$(jq ".rules[$r].matched" "$TMP/s.json")
	expect_eq "-n 5000, rule $r: events + lost + unread + past max" \
		"$(jq ".rules[$r] | .events + .lost_in_kernel + .unread_at_stop + .not_delivered_after_max_events" "$TMP/s.json")" "$matched"
done
expect_eq "-n 5000: events written" "$(grep -c "\"event\":\"syscall\"" "$TMP/f.json")" 5000

# 3. --interval with a stdout nobody reads; then what the pipe holds.
cat >"$TMP/stdout.yaml" <<'YAML'
version: 1
rules:
  - { name: flood, probe: sys_enter, mode: stream, filter: { comm: [rt-fig-c], syscalls: [getppid] } }
YAML
mkfifo "$TMP/pipe"
exec 7<>"$TMP/pipe"	# held open, read only at the end
"$RULETRACE" --ready-fd 9 -i 100ms -j "$TMP/s.json" "$TMP/stdout.yaml" >"$TMP/pipe" \
	2>"$TMP/err" 9>"$TMP/ready-pipe" &
RT_PID=$!
rt_wait_ready "$RT_PID" "$TMP/ready-pipe"
# Spread over 2 s, so that even a slow (sanitizer) build delivers them all and
# the output holds more than its 4 MiB behind the pipe before an interval is due.
"$WORKLOAD" --comm rt-fig-c --getppid 200000 --spread 2000
sleep 0.5
rt_stop TERM
expect_eq "--interval, blocked stdout: said once" \
	"$(grep -c -- "--interval: standard output is not taking data" "$TMP/err")" 1
timeout 5 cat <&7 >"$TMP/piped" &
sleep 1
exec 7<&-
wait
lines=$(grep -c ' flood ' "$TMP/piped" || true)
expect_eq "pipe: event lines = stdout written" "$lines" "$(jq '.outputs[0].written' "$TMP/s.json")"
[ -z "$(tail -c1 "$TMP/piped" | tr -d '\n')" ] || fail "the pipe ends in a cut line"
awk 'NF && $0 !~ /^(TIME|[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]+ +flood +[0-9]+ +[0-9]+ +[0-9]+ +rt-fig-c +getppid$|---|run time|rule |  |output |execs|events lost)/ { bad++ } END { exit bad > 0 }' "$TMP/piped" ||
	fail "the pipe holds a cut or mixed line"
echo "ok: the pipe holds $lines whole lines, as written says"
