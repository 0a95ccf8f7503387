#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A SIGHUP reload is atomic: it either replaces the running rules whole or
# leaves them exactly as they were, and in neither case does a counter, a row
# or an event go missing while it happens. Oracle: the workload's own counts
# (getppid calls under a comm of its own, spread over seconds with --spread, or
# a flood, so that the reloads land while the stream is flowing).
#
# 1. A failed reload does not touch a running CSV or JSON-lines file: header
#    first, no NUL bytes, every row.
# 2. A successful reload keeps an append: false CSV: every row.
# 3. A syscall filter is never off, not even for an instant: exact counts across
#    20 reloads, a storm of SIGHUPs, and 600 reloads of an exclude_syscalls rule.
# 4. A stream rule a reload adds delivers its first events (matched = delivered
#    + lost + unread), three times over.
# 5. Each reload reports what changed, on stderr and in every JSON-lines output.
# 6. A kernel apply that fails is rolled back (RULETRACE_TEST_FAULT); a rollback
#    that fails too ends the run with exit status 1 and says so.
#
# Every case runs even when an earlier one fails; the failures are listed at the end.
. "$srcdir/lib.sh"
need_root
# In the sanitizer build LeakSanitizer checks the workload at exit from a thread
# of its own, which calls getppid under the workload's comm: not the oracle's.
NOLSAN="env ASAN_OPTIONS=detect_leaks=0"
CSV_HEADER="time,rule,event,pid,tid,ppid,uid,comm,syscall,filename,argv,truncated,count,lost,filename_truncated,result,pcomm,argc,argv_cut_args,argv_cut_bytes,suppressed,cgroup,unit,container"

# stream_rule NAME COMM OUTPUTS: a stream rule on COMM's getppid calls.
stream_rule() {
	printf '  - { name: %s, probe: sys_enter, mode: stream, filter: { comm: [%s], syscalls: [getppid] }, outputs: [%s] }\n' \
		"$1" "$2" "$3"
}

# 1. A failed reload must not corrupt a running output: the reload opens the
# same CSV again, then fails on its second output.
case_failed_reload() {	# case_failed_reload VARIANT: missing (its directory is) or clash (the --summary-json file)
	local n=200000 wl bad
	{
		printf 'version: 1\noutputs:\n'
		printf '  c: { type: csv, path: %s, append: false }\n' "$TMP/c1.csv"
		printf '  j: { type: json, path: %s }\n' "$TMP/j1.jsonl"
		printf 'rules:\n'
		stream_rule flow rt-ra-1 "c, j"
	} >"$TMP/rules.yaml"
	rt_start --buffer-size 64M -j "$TMP/s.json" "$TMP/rules.yaml"
	$NOLSAN "$WORKLOAD" --comm rt-ra-1 --getppid $n --spread 1200 &
	wl=$!
	sleep 0.5
	case $1 in
	missing) bad=$TMP/missing/j1.jsonl ;;
	clash) bad=$TMP/s.json ;;
	esac
	{
		printf 'version: 1\noutputs:\n'
		printf '  c: { type: csv, path: %s, append: false }\n' "$TMP/c1.csv"
		printf '  bad: { type: json, path: %s }\n' "$bad"
		printf 'rules:\n'
		stream_rule flow rt-ra-1 "c, bad"
	} >"$TMP/rules.yaml"
	kill -0 $wl 2>/dev/null || fail "the workload ended before the SIGHUP"
	hup "reload failed"
	wait $wl || fail "workload"
	rt_stop INT
	expect_eq "failed reload ($1): exit status" "$RT_STATUS" 0
	grep -q "reloaded" "$TMP/err" && fail "a reload with an output that cannot open succeeded"
	python3 - "$TMP" "$n" "$CSV_HEADER" "$1" <<'PY' || fail "failed reload ($1): the outputs"
import json, sys
tmp, n, header, variant = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = json.load(open(f"{tmp}/s.json"))
written = {o["name"]: o["written"] for o in s["outputs"]}
data = open(f"{tmp}/c1.csv", "rb").read()
nul = data.count(b"\0")
first = data.split(b"\r\n", 1)[0]
rows = sum(1 for line in data.split(b"\r\n") if b",flow,syscall," in line)
assert nul == 0, f"{nul} NUL bytes in the CSV (it starts {data[:16]!r})"
assert first == header.encode(), f"the CSV starts {data[:80]!r}"
assert rows == n == written["c"], f"{rows} rows, {n} events, written {written['c']}"
data = open(f"{tmp}/j1.jsonl", "rb").read()
assert data.count(b"\0") == 0, "NUL bytes in the JSON lines"
lines = sum(1 for line in data.splitlines() if json.loads(line).get("event") == "syscall")
assert lines == n == written["j"], f"JSON lines: {lines} lines, {n} events, written {written['j']}"
print(f"ok: failed reload ({variant}): the CSV starts with its header, no NUL, {rows} rows = written; as many JSON lines")
PY
}
# 2. A successful reload keeps an append: false output whole.
case_kept_output() {	# case_kept_output VARIANT: same (the file as it was) or added (a rule more)
	local n=300000 wl
	rules_kept() {
		{
			printf 'version: 1\noutputs:\n'
			printf '  c: { type: csv, path: %s, append: false }\n' "$TMP/c2.csv"
			printf 'rules:\n'
			stream_rule flow rt-ra-2 c
			[ "$1" = added ] && stream_rule other rt-ra-2-none c
		} >"$TMP/rules.yaml"
	}
	rm -f "$TMP/c2.csv"
	rules_kept start
	rt_start --buffer-size 64M -j "$TMP/s.json" "$TMP/rules.yaml"
	$NOLSAN "$WORKLOAD" --comm rt-ra-2 --getppid $n --spread 1500 &
	wl=$!
	sleep 0.6
	rules_kept "$1"
	kill -0 $wl 2>/dev/null || fail "the workload ended before the SIGHUP"
	hup "reloaded"
	wait $wl || fail "workload"
	rt_stop INT
	expect_eq "reload ($1): exit status" "$RT_STATUS" 0
	python3 - "$TMP/s.json" "$TMP/c2.csv" "$n" "$1" "$CSV_HEADER" <<'PY' || fail "reload ($1): the CSV"
import json, sys
s = json.load(open(sys.argv[1]))
data, n, variant, header = open(sys.argv[2], "rb").read(), int(sys.argv[3]), sys.argv[4], sys.argv[5]
rows = sum(1 for line in data.split(b"\r\n") if b",flow,syscall," in line)
headers = data.count(header.encode() + b"\r\n")
written = {o["name"]: o["written"] for o in s["outputs"]}["c"]
flow = {r["name"]: r for r in s["rules"]}["flow"]
assert s["reload_count"] == 1, s["reloads"]
assert data.count(b"\0") == 0, "NUL bytes in the CSV"
assert data.startswith(header.encode() + b"\r\n") and headers == 1, f"{headers} header rows"
assert rows == n == written == flow["events"], f"{rows} rows, {n} events, written {written}, delivered {flow['events']}"
print(f"ok: reload ({variant}): {rows} rows of {n} = written")
PY
}

# 3. A syscall filter is never transiently off while a reload swaps the rules.
# count_rules VARIANT: a count rule on rt-ra-3's getppid calls (a); the same
# rule also wanting getuid and rt-ra-3z, which never come, without pid 1, and a
# rule before it (b).
count_rules() {
	{
		printf 'version: 1\nrules:\n'
		if [ "$1" = b ]; then
			printf '  - { name: other, probe: sys_enter, filter: { comm: [rt-ra-3], syscalls: [getuid] } }\n'
			printf '  - { name: calls, probe: sys_enter, filter: { comm: [rt-ra-3, rt-ra-3z], exclude_pid: [1], syscalls: [getppid, getuid] } }\n'
		else
			printf '  - { name: calls, probe: sys_enter, filter: { comm: [rt-ra-3], syscalls: [getppid] } }\n'
		fi
	} >"$TMP/rules.yaml"
}
counted() {	# counted WHAT N: rule calls counted exactly N for rt-ra-3, and only that
	python3 - "$TMP/s.json" "$1" "$2" <<'PY' || fail "$1"
import json, sys
s = json.load(open(sys.argv[1]))
what, n = sys.argv[2], int(sys.argv[3])
calls = {r["name"]: r for r in s["rules"]}["calls"]
got = {c["comm"]: c["count"] for c in calls["counts"]}
assert got == {"rt-ra-3": n}, f"counted {got}, want {n} (off by {n - got.get('rt-ra-3', 0)})"
print(f"ok: {what}: {n} of {n} getppid calls counted over {s['reload_count']} reloads")
PY
}
case_filter_reloads() {
	local n=3000000 wl i
	count_rules a
	rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
	$NOLSAN "$WORKLOAD" --comm rt-ra-3 --getppid $n --spread 2500 &
	wl=$!
	for i in $(seq 1 20); do
		sleep 0.08
		count_rules "$([ $((i % 2)) = 1 ] && echo b || echo a)"
		hup "reloaded"
	done
	kill -0 $wl 2>/dev/null || fail "20 reloads: the workload ended before the last"
	wait $wl || fail "workload"
	rt_stop INT
	expect_eq "20 reloads: exit status" "$RT_STATUS" 0
	counted "20 reloads" $n
}
case_filter_storm() {
	local n=3000000 wl i reloads
	count_rules a
	rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
	$NOLSAN "$WORKLOAD" --comm rt-ra-3 --getppid $n --spread 2500 &
	wl=$!
	sleep 0.2
	# Up to 2000 SIGHUPs a millisecond apart (a read that times out: no fork)
	# for as long as the workload runs, the file switched between a and b every tenth.
	mkfifo "$TMP/tick"
	exec 9<>"$TMP/tick"
	for i in $(seq 1 2000); do
		kill -0 $wl 2>/dev/null || break
		kill -HUP "$RT_PID"
		[ $((i % 10)) = 0 ] && count_rules "$([ $((i % 20)) = 0 ] && echo a || echo b)"
		read -r -t 0.001 -u 9 || true
	done
	exec 9<&-
	wait $wl || fail "workload"
	sleep 0.2
	rt_stop INT
	expect_eq "SIGHUP storm: exit status" "$RT_STATUS" 0
	reloads=$(grep -c reloaded "$TMP/err")
	echo "SIGHUP storm: $i SIGHUPs, $reloads reloads"
	[ "$reloads" -ge 100 ] || fail "SIGHUP storm: only $reloads reloads"
	counted "SIGHUP storm" $n
}
case_exclude_reloads() {
	local i runs
	exclude_rules() {	# exclude_rules SYSCALLS
		printf 'version: 1\nrules:\n  - { name: most, probe: sys_enter, filter: { comm: [rt-ra-3x], exclude_syscalls: [%s] }, group_by: [comm, syscall] }\n' \
			"$1" >"$TMP/rules.yaml"
	}
	exclude_rules getppid
	rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
	rm -f "$TMP/stop3"
	(
		runs=0
		while [ -d "$TMP" ] && [ ! -e "$TMP/stop3" ]; do
			$NOLSAN "$WORKLOAD" --comm rt-ra-3x --getppid 200000 --getuid 10 || exit 1
			runs=$((runs + 1))
		done
		echo $runs >"$TMP/runs3"
	) &
	# The exclude list alternates: [getppid], [getpid, getppid] (the workload never calls getpid).
	for i in $(seq 1 600); do
		exclude_rules "$([ $((i % 2)) = 1 ] && echo "getpid, getppid" || echo getppid)"
		hup "reloaded"
	done
	touch "$TMP/stop3"
	wait $! || fail "workload"
	rt_stop INT
	expect_eq "600 reloads, exclude_syscalls: exit status" "$RT_STATUS" 0
	runs=$(cat "$TMP/runs3")
	python3 - "$TMP/s.json" "$runs" <<'PY' || fail "600 reloads: exclude_syscalls: [getppid]"
import json, sys
s = json.load(open(sys.argv[1]))
runs = int(sys.argv[2])
got = {(c["comm"], c["syscall"]): c["count"] for c in s["rules"][0]["counts"]}
getppid = sum(v for (comm, sc), v in got.items() if sc == "getppid")
strangers = {k: v for k, v in got.items() if k[0] != "rt-ra-3x"}
assert getppid == 0, f"{getppid} getppid calls let through in {runs} runs: {got}"
assert not strangers, f"other processes counted: {strangers}"
assert got.get(("rt-ra-3x", "getuid")) == 10 * runs, (got, runs)
print(f"ok: 600 reloads, {runs} runs of 200000 getppid: none counted, every getuid counted")
PY
}

# 4. A reload that adds a stream rule delivers its first events. The workload
# floods (the default 1M buffer overflows, which is counted) so that events of
# the new rule are in the buffer while the reload swaps the rules.
case_added_rule() {	# case_added_rule ROUND
	local per=300000 runs
	rm -f "$TMP/f4.jsonl" "$TMP/g4.jsonl" "$TMP/stop4"
	rules_added() {
		{
			printf 'version: 1\noutputs:\n'
			printf '  f: { type: json, path: %s, append: true }\n' "$TMP/f4.jsonl"
			printf '  g: { type: json, path: %s, append: true }\n' "$TMP/g4.jsonl"
			printf 'rules:\n'
			stream_rule first rt-ra-4 f
			[ "$1" = added ] && stream_rule second rt-ra-4 g
		} >"$TMP/rules.yaml"
	}
	rules_added start
	rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
	(
		runs=0
		while [ -d "$TMP" ] && [ ! -e "$TMP/stop4" ]; do
			$NOLSAN "$WORKLOAD" --comm rt-ra-4 --getppid $per || exit 1
			runs=$((runs + 1))
		done
		echo $runs >"$TMP/runs4"
	) &
	sleep 0.5
	rules_added added
	hup "reloaded"
	sleep 0.5
	touch "$TMP/stop4"
	wait $! || fail "workload"
	rt_stop INT
	runs=$(cat "$TMP/runs4")
	python3 - "$TMP" $((runs * per)) "$1" "$RT_STATUS" <<'PY' || fail "added rule, round $1"
import json, sys
tmp, n, rnd, status = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
s = json.load(open(f"{tmp}/s.json"))
r = {x["name"]: x for x in s["rules"]}
def lines(path, rule):
    recs = (json.loads(l) for l in open(path))
    return sum(1 for x in recs if x.get("event") == "syscall" and x["rule"] == rule)
for name in ("first", "second"):
    x = r[name]
    accounted = x["events"] + x["lost_in_kernel"] + x["unread_at_stop"] + x.get("not_delivered_after_max_events", 0)
    assert x["matched"] == accounted, f"{name}: matched {x['matched']}, delivered {x['events']}, lost {x['lost_in_kernel']}, unread {x['unread_at_stop']}: {x['matched'] - accounted} unaccounted"
assert r["first"]["matched"] == n, f"first: matched {r['first']['matched']} of {n} getppid calls"
assert 0 < r["second"]["matched"] < n, r["second"]
assert lines(f"{tmp}/f4.jsonl", "first") == r["first"]["events"], "first: lines != delivered"
assert lines(f"{tmp}/g4.jsonl", "second") == r["second"]["events"], "second: lines != delivered"
assert status == (3 if s["lost"]["total"] else 0), (status, s["lost"])
print(f"ok: round {rnd}: the added rule matched {r['second']['matched']} "
      f"({r['second']['events']} delivered, {r['second']['lost_in_kernel']} lost), all accounted for")
PY
}

# 5. The change report: once on stderr, once in each JSON-lines output.
case_change_report() {
	local re='^ruletrace: reload: \+[0-9]+ -[0-9]+ ~[0-9]+ rules, counts kept for [0-9]+, [0-9]+ events lost during the swap$'
	rules5() {	# rules5 RULE...: each NAME:COMM, a count rule on COMM's getppid calls
		{
			printf 'version: 1\noutputs:\n'
			printf '  j: { type: json, path: %s, append: true }\n' "$TMP/j5.jsonl"
			printf 'rules:\n'
			for r in "$@"; do
				printf '  - { name: %s, probe: sys_enter, filter: { comm: [%s], syscalls: [getppid] }, outputs: [j] }\n' \
					"${r%%:*}" "${r#*:}"
			done
		} >"$TMP/rules.yaml"
	}
	rm -f "$TMP/j5.jsonl"
	rules5 a:rt-ra-5a b:rt-ra-5b c:rt-ra-5c
	rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
	$NOLSAN "$WORKLOAD" --comm rt-ra-5a --getppid 100
	$NOLSAN "$WORKLOAD" --comm rt-ra-5b --getppid 200
	$NOLSAN "$WORKLOAD" --comm rt-ra-5c --getppid 300
	rules5 a:rt-ra-5a b:rt-ra-5x d:rt-ra-5d
	hup "events lost during the swap"
	$NOLSAN "$WORKLOAD" --comm rt-ra-5a --getppid 1000
	$NOLSAN "$WORKLOAD" --comm rt-ra-5b --getppid 2000	# b no longer wants it
	$NOLSAN "$WORKLOAD" --comm rt-ra-5x --getppid 400
	$NOLSAN "$WORKLOAD" --comm rt-ra-5d --getppid 500
	$NOLSAN "$WORKLOAD" --comm rt-ra-5c --getppid 600	# c is gone
	hup "events lost during the swap"	# the same file again: nothing changes
	rt_stop INT
	expect_eq "change report: exit status" "$RT_STATUS" 0
	grep -E "$re" "$TMP/err" >"$TMP/report5" || true
	expect_eq "change report: lines" "$(grep -c "events lost during the swap" "$TMP/err")" 2
	expect_eq "change report: lines in the format" "$(wc -l <"$TMP/report5")" 2
	expect_eq "change report: first reload" "$(sed -n 1p "$TMP/report5" | cut -d, -f1-2)" \
		"ruletrace: reload: +1 -1 ~1 rules, counts kept for 2"
	expect_eq "change report: second reload" "$(sed -n 2p "$TMP/report5" | cut -d, -f1-2)" \
		"ruletrace: reload: +0 -0 ~0 rules, counts kept for 3"
	python3 - "$TMP/s.json" "$TMP/j5.jsonl" "$TMP/report5" <<'PY' || fail "change report"
import json, re, sys
s = json.load(open(sys.argv[1]))
recs = [json.loads(l) for l in open(sys.argv[2]) if json.loads(l).get("event") == "reload"]
logged = [int(re.search(r", (\d+) events lost", l).group(1)) for l in open(sys.argv[3])]
want = [dict(added=1, removed=1, changed=1, counts_kept=2),
        dict(added=0, removed=0, changed=0, counts_kept=3)]
assert len(recs) == 2, f"{len(recs)} reload records in the JSON-lines output: {recs}"
for rec, w, lost in zip(recs, want, logged):
    got = {k: rec.get(k) for k in w}
    assert got == w, f"reload record {rec}, want {w}"
    assert rec.get("swap_lost") == lost, f"swap_lost {rec.get('swap_lost')}, logged {lost}"
counts = {r["name"]: {c["comm"]: c["count"] for c in r["counts"]} for r in s["rules"]}
assert counts == {"a": {"rt-ra-5a": 1100}, "b": {"rt-ra-5b": 200, "rt-ra-5x": 400},
                  "d": {"rt-ra-5d": 500}}, counts
print("ok: change report: +1 -1 ~1 then +0 -0 ~0, counts kept for 2 then 3, on stderr and in the JSON lines")
PY
}

# 6. A failed kernel apply is rolled back; a failed rollback ends the run.
rules6() {	# rules6 COMM [RULE]: a count rule on COMM's getppid calls, and a rule more
	{
		printf 'version: 1\nrules:\n'
		printf '  - { name: calls, probe: sys_enter, filter: { comm: [%s], syscalls: [getppid] } }\n' "$1"
		[ -n "${2:-}" ] && printf '%s\n' "$2"
	} >"$TMP/rules.yaml"
}
case_rollback() {
	rules6 rt-ra-6
	export RULETRACE_TEST_FAULT=reload-apply
	rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
	unset RULETRACE_TEST_FAULT
	$NOLSAN "$WORKLOAD" --comm rt-ra-6 --getppid 1000
	rules6 rt-ra-6b "  - { name: added, probe: sys_enter, mode: stream, filter: { comm: [rt-ra-6b] } }"
	hup "reload failed"
	grep -q "reloaded" "$TMP/err" && fail "rollback: the reload succeeded despite RULETRACE_TEST_FAULT=reload-apply"
	$NOLSAN "$WORKLOAD" --comm rt-ra-6 --getppid 2000
	$NOLSAN "$WORKLOAD" --comm rt-ra-6b --getppid 500	# wanted by the failed reload only
	rt_stop INT
	expect_eq "rollback: exit status" "$RT_STATUS" 0
	grep -q "the running rules stay as they were" "$TMP/err" || fail "rollback: no 'rules stay' line"
	python3 - "$TMP/s.json" <<'PY' || fail "rollback: counts"
import json, sys
s = json.load(open(sys.argv[1]))
r = {x["name"]: x for x in s["rules"]}
assert list(r) == ["calls"], list(r)
got = {c["comm"]: c["count"] for c in r["calls"]["counts"]}
assert got == {"rt-ra-6": 3000}, got
assert s["reload_count"] == 0 and s["exit_status"] == 0, (s["reload_count"], s["exit_status"])
print("ok: rollback: the old rules stayed, 3000 of 3000 counted, exit 0")
PY
}
case_failed_rollback() {
	local gone=
	rules6 rt-ra-6
	export RULETRACE_TEST_FAULT=reload-apply,reload-rollback
	rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
	unset RULETRACE_TEST_FAULT
	$NOLSAN "$WORKLOAD" --comm rt-ra-6 --getppid 1000
	rules6 rt-ra-6b "  - { name: added, probe: sys_enter, mode: stream, filter: { comm: [rt-ra-6b] } }"
	kill -HUP "$RT_PID"
	for _ in $(seq 1 50); do
		kill -0 "$RT_PID" 2>/dev/null || { gone=1; break; }
		sleep 0.1
	done
	[ -n "$gone" ] || { cat "$TMP/err" >&2; fail "failed rollback: still running 5 s after the SIGHUP"; }
	rt_stop INT 2>/dev/null
	expect_eq "failed rollback: exit status" "$RT_STATUS" 1
	grep -q "could not be restored" "$TMP/err" || { cat "$TMP/err" >&2; fail "failed rollback: no 'could not be restored'"; }
	grep -q "the running rules stay as they were" "$TMP/err" &&
		fail "failed rollback: says the running rules stay as they were"
	grep -q "^run time" "$TMP/out" || fail "failed rollback: no summary"
	python3 - "$TMP/s.json" <<'PY' || fail "failed rollback: JSON summary"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["exit_status"] == 1, s["exit_status"]
print("ok: failed rollback: exit 1 with the summary, said so")
PY
}

failed=
run_case() {	# run_case NAME FUNCTION [ARG]: in a subshell, so that a failure ends the case only
	echo "--- $1"
	# On the way out, a case that failed half-way leaves nothing running.
	if ! ( trap 'touch "$TMP/stop3" "$TMP/stop4"; kill $(jobs -p) 2>/dev/null
		[ -n "$RT_PID" ] && kill -KILL "$RT_PID" 2>/dev/null' EXIT; "${@:2}" ); then
		failed="$failed${failed:+, }$1"
	fi
}
run_case "1 failed reload, missing directory" case_failed_reload missing
run_case "1 failed reload, output clash" case_failed_reload clash
run_case "2 reload unchanged" case_kept_output same
run_case "2 reload with a rule added" case_kept_output added
run_case "3 20 reloads" case_filter_reloads
run_case "3 SIGHUP storm" case_filter_storm
run_case "3 600 reloads, exclude_syscalls" case_exclude_reloads
run_case "4 added rule, round 1" case_added_rule 1
run_case "4 added rule, round 2" case_added_rule 2
run_case "4 added rule, round 3" case_added_rule 3
run_case "5 change report" case_change_report
run_case "6 rollback" case_rollback
run_case "6 failed rollback" case_failed_rollback
[ -z "$failed" ] || fail "cases that failed: $failed"
echo "ok: every reload was atomic"
