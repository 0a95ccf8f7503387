#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Inside Debian's kernels (no python here: grep and bash), through each attach mode
# (auto, which picks the kprobe here; kprobe, the kprobe and kretprobe; tracepoint)
# and the kprobe through the perf buffer: the workload's --exec-truth execs against
# its own manifest. A rule with result: any gets all five, the missing file's exec
# with ENOENT; a rule with the default result (success) the four others and never
# the failed one; each exec once, with its filename and argv exactly (the 100 KiB
# one cut at the default 8192 bytes, the rest counted exactly), pcomm and comm the
# workload's, ppid its pid.
. "$srcdir/lib.sh"
need_root

COMM=rt-vm-truth
LIMIT=8192

# json_argv ARG...: the JSON argv array of what a rule keeping LIMIT bytes shows
# (the arguments that fit, then the part of the next that does), in $want_argv;
# the cut, or null, in $want_cut; whether it was cut in $want_trunc.
json_argv() {
	local a used=0 shown=0 total=0 rest sep=
	for a in "$@"; do total=$((total + ${#a} + 1)); done
	want_argv='['
	for a in "$@"; do
		if [ $((used + ${#a} + 1)) -gt "$LIMIT" ]; then
			rest=$((LIMIT - used))
			# Shown in part: counted in the cut, which is of arguments not shown whole.
			[ "$rest" -gt 0 ] && want_argv+="$sep\"${a:0:rest}\""
			break
		fi
		want_argv+="$sep\"$a\""
		sep=,
		used=$((used + ${#a} + 1))
		shown=$((shown + 1))
	done
	want_argv+=']'
	want_trunc=true
	if [ "$total" -le "$LIMIT" ]; then
		want_cut=null want_trunc=false
	else
		want_cut="{\"args\":$(($# - shown)),\"bytes\":$((total - LIMIT)),\"exact\":true}"
	fi
}

for mode in auto kprobe tracepoint kprobe-perf; do
	attach=${mode%-perf} opt=
	[ "$mode" = kprobe-perf ] && opt=--perf-buffer
	cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  all-json: { type: json, path: $TMP/all.jsonl }
  ok-json: { type: json, path: $TMP/ok.jsonl }
rules:
  - name: all
    probe: execve
    attach: $attach
    filter: { comm: [$COMM], result: any }
    outputs: [stdout, all-json]
  - name: ok
    probe: execve
    attach: $attach
    filter: { comm: [$COMM] }
    outputs: [ok-json]
YAML
	rt_start "$TMP/rules.yaml" $opt
	"$WORKLOAD" --comm "$COMM" --exec-truth >"$TMP/manifest" || fail "$mode: workload"
	sleep 0.5
	rt_stop INT
	cat "$TMP/err"
	expect_eq "$mode: exit status" "$RT_STATUS" 0
	case $attach in
	tracepoint) grep -q "^ruletrace: execve: tracepoint" "$TMP/err" ;;
	*) grep -q "^ruletrace: execve: kprobe" "$TMP/err" ;;
	esac || fail "$mode: not attached as asked"
	if [ -n "$opt" ]; then
		grep -q "events via perf buffer" "$TMP/err" || fail "$mode: perf buffer not used"
	fi
	# One JSON form whatever the spacing: none after a comma or a colon (none of
	# the manifest's strings holds a comma or a colon).
	for f in all ok; do
		sed 's/\([,:]\) /\1/g' "$TMP/$f.jsonl" | grep '"event":"exec"' >"$TMP/$f.norm"
	done
	expect_eq "$mode: any: exec events" "$(wc -l <"$TMP/all.norm")" 5
	expect_eq "$mode: default (success): exec events" "$(wc -l <"$TMP/ok.norm")" 4
	grep -q ENOENT "$TMP/ok.norm" && fail "$mode: default (success) shows a failed exec"

	IFS=$'\t' read -r _ wpid wcomm <"$TMP/manifest"
	expect_eq "$mode: manifest comm" "$wcomm" "$COMM"
	n=0
	while IFS=$'\t' read -r -a f; do
		[ "${f[0]}" = exec ] || continue
		kind=${f[1]} pid=${f[2]} result=${f[3]} file=${f[4]}
		json_argv "${f[@]:7}"
		for rule in all ok; do
			got=$(grep -c "\"pid\":$pid," "$TMP/$rule.norm")
			if [ "$rule" = ok ] && [ "$result" != ok ]; then
				expect_eq "$mode: $kind under the default result" "$got" 0
				continue
			fi
			expect_eq "$mode: $kind: events of rule $rule" "$got" 1
			line=$(grep "\"pid\":$pid," "$TMP/$rule.norm")
			for want in "\"rule\":\"$rule\"" "\"ppid\":$wpid," "\"comm\":\"$COMM\"" \
				"\"pcomm\":\"$COMM\"" "\"result\":\"$result\"" "\"filename\":\"$file\"" \
				"\"argv\":$want_argv" "\"argv_cut\":$want_cut" \
				"\"argv_truncated\":$want_trunc"; do
				case $line in
				*"$want"*) ;;
				*) fail "$mode: $kind, rule $rule: no ${want:0:160} in ${line:0:400}" ;;
				esac
			done
		done
		# The text line: PCOMM and RESULT after COMM.
		awk -v pid="$pid" -v c="$COMM" -v r="$result" '$3 == pid && $6 == c && $7 == c &&
			$8 == r { n++ } END { exit n != 1 }' "$TMP/out" ||
			{ cat "$TMP/out"; fail "$mode: $kind: text line (COMM PCOMM RESULT)"; }
		n=$((n + 1))
	done <"$TMP/manifest"
	expect_eq "$mode: execs in the manifest" "$n" 5
	grep -q "^execs: 5$" "$TMP/out" || fail "$mode: summary execs"
	echo "ok: $mode: result, pcomm, argv and counts exact"
done
