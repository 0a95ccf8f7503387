#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# expect: against exact figures. An execve rule for the programs curl and wget
# expecting no events: 3 execs of curl and 2 of a symlink named wget fail it (exit
# 4, the figure in the text and JSON summaries), execs of other programs by a
# process named curl meet it (exit 0); exclude_program as an allow-list. A count rule's exact getppid
# count met, and missed by one either way. With a flooded 4K buffer: a failed
# expectation and a loss give 4 and the summary says both, a met one gives 3,
# --allow-loss clears 3 and never 4, and events matched count the lost ones. A
# runtime failure (1) wins over a failed expectation. The expectations at exit
# are the reloaded file's, on figures a reload kept or restarted. The README's CI
# gate, run as written.
. "$srcdir/lib.sh"
need_root

cp /bin/true "$TMP/curl"
cp /bin/true "$TMP/wget"
cp /bin/true "$TMP/fine"

# summary_has LINE: $TMP/out has LINE, whole.
summary_has() {
	grep -qxF -- "$1" "$TMP/out" || { cat "$TMP/out"; fail "summary lacks '$1'"; }
	echo "ok: summary: $1"
}

# json_check PY: the assertions PY on s (the JSON summary) and r (its first rule).
json_check() {
	python3 - "$TMP/s.json" "$1" <<'PY' || fail "JSON summary: $1"
import json, sys
s = json.load(open(sys.argv[1]))
r = s["rules"][0]
exec(sys.argv[2])
print("ok: JSON:", sys.argv[2].splitlines()[0])
PY
}

# --- an execve rule for the programs curl and wget, no events wanted ---
# program: the name an exec gives the process. The workload (named rt-exp-gate)
# forks and execs a copy of /bin/true named curl three times; then a symlink named
# wget to a program named fine, twice (the name is the path's, not the file's);
# then fine itself, which is neither.
mkdir "$TMP/links"
ln -s "$TMP/fine" "$TMP/links/wget"
cat >"$TMP/gate.yaml" <<'YAML'
version: 1
rules:
  - name: no-curl
    probe: execve
    filter: { program: [curl, wget] }
    expect: { events: 0 }
YAML
"$RULETRACE" --check "$TMP/gate.yaml" >/dev/null || fail "--check refuses expect"
"$RULETRACE" --check --explain "$TMP/gate.yaml" | grep -q "^  expect: *events 0, judged at exit$" ||
	fail "--explain does not list the expectation"
"$RULETRACE" --check --explain=json "$TMP/gate.yaml" | python3 -c '
import json, sys
e = json.load(sys.stdin)["rules"][0]["expect"]
assert e == [{"measure": "events", "min": 0, "max": 0}], e' || fail "--explain=json expect"
echo "ok: --check and --explain take and show the expectation"

rt_start -j "$TMP/s.json" "$TMP/gate.yaml"
"$WORKLOAD" --comm rt-exp-gate --exec 3 -- "$TMP/curl" || fail "workload"
"$WORKLOAD" --comm rt-exp-gate --exec 2 -- "$TMP/links/wget" || fail "workload"
"$WORKLOAD" --comm rt-exp-gate --exec 4 -- "$TMP/fine" || fail "workload"
sleep 0.3
rt_stop INT
expect_eq "3 execs of curl, 2 of wget: exit status" "$RT_STATUS" 4
summary_has "expect no-curl: events 5, wanted 0: failed"
summary_has "expectations: 1 of 1 failed"
summary_has "events lost: 0"
expect_eq "exec lines of curl" "$(grep -c " rt-exp-gate .* $TMP/curl\$" "$TMP/out")" 3
expect_eq "exec lines of wget" "$(grep -c " rt-exp-gate .* $TMP/links/wget\$" "$TMP/out")" 2
json_check 'assert s["exit_status"] == 4 and r["matched"] == 5, (s["exit_status"], r["matched"])
x = r["expect"]
assert x == [{"measure": "events", "min": 0, "max": 0, "value": 5, "exact": True,
              "bound": "exact", "met": False, "undecided": False, "why": None}], x
assert s["expectations"] == {"met": 0, "failed": 1, "undecided": 0}, s["expectations"]
assert r["filter"]["program"] == ["curl", "wget"], r["filter"]'

# The caller's name is not the program's: execs by a process named curl of
# another program are not curl.
rt_start -j "$TMP/s.json" "$TMP/gate.yaml"
"$WORKLOAD" --comm curl --exec 3 -- "$TMP/fine" || fail "workload"
sleep 0.3
rt_stop INT
expect_eq "no exec of curl: exit status" "$RT_STATUS" 0
summary_has "expect no-curl: events 0, wanted 0: met"
summary_has "expectations: 1 of 1 met"
json_check 'assert s["exit_status"] == 0
assert r["expect"][0]["value"] == 0 and r["expect"][0]["met"] is True, r["expect"]
assert s["expectations"] == {"met": 1, "failed": 0, "undecided": 0}, s["expectations"]'

# exclude_program: an allow-list. Every exec of the workload but those of fine.
cat >"$TMP/allow.yaml" <<'YAML'
version: 1
rules:
  - name: unknown
    probe: execve
    filter: { comm: [rt-exp-allow], exclude_program: [fine] }
    expect: { events: { max: 0 } }
YAML
rt_start -j "$TMP/s.json" "$TMP/allow.yaml"
"$WORKLOAD" --comm rt-exp-allow --exec 4 -- "$TMP/fine" || fail "workload"
"$WORKLOAD" --comm rt-exp-allow --exec 2 -- "$TMP/wget" || fail "workload"
sleep 0.3
rt_stop INT
expect_eq "2 execs outside the allow-list: exit status" "$RT_STATUS" 4
summary_has "expect unknown: events 2, wanted 0: failed"

# --- a count rule against the workload's exact getppid count ---
for want in "700 0 met" "701 4 failed" "699 4 failed"; do
	set -- $want
	cat >"$TMP/count.yaml" <<YAML
version: 1
rules:
  - name: calls
    probe: sys_enter
    filter: { comm: [rt-exp-count], syscalls: [getppid] }
    expect: { counted: { min: $1, max: $1 } }
YAML
	rt_start -j "$TMP/s.json" "$TMP/count.yaml"
	"$WORKLOAD" --comm rt-exp-count --getppid 700 || fail "workload"
	rt_stop INT
	expect_eq "counted 700, wanted $1: exit status" "$RT_STATUS" "$2"
	summary_has "expect calls: counted 700, wanted $1: $3"
	json_check "assert r['events'] == 700 and s['exit_status'] == $2
x = r['expect'][0]
assert (x['measure'], x['min'], x['max'], x['value'], x['exact']) == ('counted', $1, $1, 700, True), x
assert x['met'] is ('$3' == 'met'), x"
done

# --- expectations and losses: a stream rule's 4K buffer flooded ---
# The workload's 200000 getppid and its exit_group: 200001 matched, most lost.
flood() {	# flood EXPECT ALLOW-LOSS STATUS VERDICT-LINE
	cat >"$TMP/flood.yaml" <<YAML
version: 1
rules:
  - { name: flood, probe: sys_enter, mode: stream, buffer_size: 4K,
      filter: { comm: [rt-exp-flood] }, outputs: [file], expect: $1 }
outputs:
  file: { type: json, path: $TMP/flood.json }
YAML
	rt_start -j "$TMP/s.json" $2 "$TMP/flood.yaml"
	"$WORKLOAD" --comm rt-exp-flood --getppid 200000 || fail "workload"
	sleep 0.3
	rt_stop INT
	expect_eq "$1 ${2:-without --allow-loss}: exit status" "$RT_STATUS" "$3"
	summary_has "$4"
	grep -qE "^events lost: [1-9][0-9]*$" "$TMP/out" || fail "$1: the loss is not said"
	grep -qE "^  lost: [1-9][0-9]* = event buffer [1-9][0-9]* \+ unread at stop 0$" \
		"$TMP/out" || fail "$1: the rule's loss is not said"
	json_check "assert s['exit_status'] == $3 and s['lost']['total'] > 0, s['lost']
assert r['matched'] == 200001 and r['lost_in_kernel'] > 0, r
assert r['expect'][0]['value'] == 200001 and r['expect'][0]['exact'] is True, r['expect']"
}
flood "{ events: { max: 1000 } }" "" 4 "expect flood: events 200001, wanted at most 1000: failed"
summary_has "expectations: 1 of 1 failed"
json_check 'assert s["expectations"]["failed"] == 1 and r["expect"][0]["met"] is False'
flood "{ events: 200001 }" "" 3 "expect flood: events 200001, wanted 200001: met"
summary_has "expectations: 1 of 1 met"
json_check 'assert s["expectations"] == {"met": 1, "failed": 0, "undecided": 0}'
flood "{ events: { max: 1000 } }" --allow-loss 4 \
	"expect flood: events 200001, wanted at most 1000: failed"
flood "{ events: 200001 }" --allow-loss 0 "expect flood: events 200001, wanted 200001: met"
# What a gate wants to know happened, happened, even when its events were lost.
flood "{ events: { min: 5 } }" "" 3 "expect flood: events 200001, wanted at least 5: met"

# --- a runtime failure and a failed expectation: 1 ---
# Standard output a pipe whose reader is gone: the stdout output fails.
mkfifo "$TMP/pipe"
: >"$TMP/ready"
"$RULETRACE" --ready-fd 9 -j "$TMP/s.json" "$TMP/gate.yaml" >"$TMP/pipe" 2>"$TMP/err" \
	9>"$TMP/ready" &
RT_PID=$!
exec 7<"$TMP/pipe"
exec 7<&-
rt_wait_ready "$RT_PID" "$TMP/ready"
"$WORKLOAD" --comm curl --exec 3 -- "$TMP/curl" || fail "workload"
sleep 0.3
rt_stop INT
expect_eq "output failed and expectation failed: exit status" "$RT_STATUS" 1
grep -q "output 'stdout' (stdout): Broken pipe" "$TMP/err" || fail "no output failure"
json_check 'assert s["exit_status"] == 1, s["exit_status"]
assert r["expect"][0]["value"] == 3 and r["expect"][0]["met"] is False, r["expect"]
assert s["expectations"]["failed"] == 1 and s["outputs"][0]["error"] == "Broken pipe"'

# --- a reload: the expectations of the file running at exit, on its figures ---
# kept changes only its expect (it runs as it was, counts kept); anew changes its
# group_by (counted again from the reload). The first file's would both fail.
reload_rules() {	# reload_rules GROUP-BY KEPT-EXPECT ANEW-EXPECT
	cat >"$TMP/reload.yaml" <<YAML
version: 1
rules:
  - name: kept
    probe: sys_enter
    filter: { comm: [rt-exp-reload], syscalls: [getppid] }
    expect: $2
  - name: anew
    probe: sys_enter
    filter: { comm: [rt-exp-reload], syscalls: [getppid] }
    group_by: [$1]
    expect: $3
YAML
}
reload_rules comm "{ counted: 1 }" "{ counted: 1 }"
rt_start -j "$TMP/s.json" "$TMP/reload.yaml"
"$WORKLOAD" --comm rt-exp-reload --getppid 300 || fail "workload"
reload_rules "comm, syscall" "{ counted: 500 }" "{ counted: { min: 200, max: 200 } }"
hup "reloaded"
grep -q "reload: +0 -0 ~1 rules, counts kept for 1," "$TMP/err" || { cat "$TMP/err"; fail "reload"; }
"$WORKLOAD" --comm rt-exp-reload --getppid 200 || fail "workload"
rt_stop INT
expect_eq "after a reload: exit status" "$RT_STATUS" 0
summary_has "expect kept: counted 500, wanted 500: met"
summary_has "expect anew: counted 200, wanted 200: met"
summary_has "expectations: 2 of 2 met"

# --- the README's CI gate, its sh block run as it is ---
awk '/^### CI gate/ { found = 1 } found && /^```sh$/ { inb = 1; next }
	inb && /^```$/ { exit } inb { print }' "$srcdir/../README.md" >"$TMP/ci-gate.sh"
grep -q "expect: { events: 0 }" "$TMP/ci-gate.sh" || fail "README: no CI gate block"
mkdir "$TMP/bin" "$TMP/ci"
ln -s "$RULETRACE" "$TMP/bin/ruletrace"
gate() {	# gate SUITE...: ci-gate.sh SUITE in $TMP/ci; GATE_STATUS its exit status
	GATE_STATUS=0
	(cd "$TMP/ci" && PATH="$TMP/bin:$PATH" bash "$TMP/ci-gate.sh" "$@") \
		>"$TMP/ci/stdout" 2>"$TMP/ci/stderr" || GATE_STATUS=$?
}
gate sh -c "'$TMP/curl' && '$TMP/curl' && '$TMP/wget' && '$TMP/fine'"
expect_eq "CI gate, the suite ran curl and wget: exit status" "$GATE_STATUS" 4
grep -qxF "expect no-curl: events 3, wanted 0: failed" "$TMP/ci/stdout" ||
	{ cat "$TMP/ci/stdout" "$TMP/ci/stderr"; fail "CI gate: no failed expectation"; }
grep -qxF "expectations: 1 of 1 failed" "$TMP/ci/stdout" || fail "CI gate: closing line"
python3 - "$TMP/ci/gate.json" <<'PY' || fail "CI gate: gate.json"
import json, sys
s = json.load(open(sys.argv[1]))
r = s["rules"][0]
x = r["expect"][0]
assert s["exit_status"] == 4 and x["met"] is False and x["value"] == r["matched"] == 3, (s, x)
print(f"ok: CI gate: {x['value']} execs of curl and wget, expectation failed")
PY
gate sh -c "'$TMP/fine' && ls / >/dev/null"
expect_eq "CI gate, a clean suite: exit status" "$GATE_STATUS" 0
grep -qxF "expect no-curl: events 0, wanted 0: met" "$TMP/ci/stdout" ||
	{ cat "$TMP/ci/stdout" "$TMP/ci/stderr"; fail "CI gate: no met expectation"; }
gate sh -c "exit 7"
expect_eq "CI gate, a failing suite: exit status" "$GATE_STATUS" 7
# Only the script's descendants count: a curl beside it is none of its business.
(gate sh -c "touch '$TMP/ci/started' && sleep 1"; exit "$GATE_STATUS") &
gate_pid=$!
for _ in $(seq 1 200); do [ -e "$TMP/ci/started" ] && break; sleep 0.05; done
[ -e "$TMP/ci/started" ] || fail "CI gate: the suite did not start"
"$TMP/curl"
wait "$gate_pid" || fail "CI gate, a curl outside the suite: exit status $?"
grep -qxF "expect no-curl: events 0, wanted 0: met" "$TMP/ci/stdout" ||
	{ cat "$TMP/ci/stdout"; fail "CI gate: counted a curl outside the suite"; }
echo "ok: CI gate: a curl outside the suite is not counted"
ls "$TMP/ci/ready" 2>/dev/null && fail "CI gate: left its FIFO"
true
