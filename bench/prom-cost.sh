#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# bench/prom-cost.sh BUILDDIR [SERIES...]: what a prometheus output's rewrite costs
# ruletrace, against the --interval text summary of the same counters as the
# reference, in the same run. A count rule grouped by pid holds SERIES counters
# (one per child of the workload, each 3 getppid calls); then ruletrace idles for
# 10 s rewriting every 100 ms, and its CPU time (utime + stime from /proc) over
# that window, divided by the rewrites, is the cost of one. Three configurations
# per size: no periodic work (the floor), --interval 100ms to /dev/null (the
# reference: the same collection of every counter, formatted as text), and a
# prometheus output with interval 100ms and max_series SERIES. Prints figures,
# asserts nothing.
set -euo pipefail
build=$(cd "$1" && pwd)
shift
sizes=${*:-1000 10000}
window=10
tmp=$(mktemp -d /tmp/rt-promcost.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
tick=$(getconf CLK_TCK)

cpu_ticks() {	# cpu_ticks PID: utime + stime, in clock ticks
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, kernel $(uname -r)"
printf '%-8s %-22s %10s %10s %12s %10s\n' series config "CPU ms" rewrites "ms/rewrite" "file KB"
for n in $sizes; do
	for config in floor interval prometheus; do
		out=
		args=()
		case $config in
		interval) args=(--interval 100ms) ;;
		prometheus) out="  prom: { type: prometheus, path: $tmp/rt.prom, interval: 100ms, max_series: $n }" ;;
		esac
		cat >"$tmp/rules.yaml" <<YAML
version: 1
max_counters: $((n * 2 > 1024 ? n * 2 : 1024))
outputs:
  quiet: { type: json, path: $tmp/quiet.jsonl }
$out
rules:
  - name: per-pid
    probe: sys_enter
    mode: count
    group_by: [pid]
    filter: { comm: [rt-promcost], syscalls: [getppid] }
    outputs: [quiet${out:+, prom}]
YAML
		rm -f "$tmp/ready" "$tmp/rt.prom"
		"$build/ruletrace" --ready-fd 9 "${args[@]}" "$tmp/rules.yaml" \
			>/dev/null 2>"$tmp/err" 9>"$tmp/ready" &
		pid=$!
		for _ in $(seq 1 200); do grep -q READY "$tmp/ready" 2>/dev/null && break; sleep 0.05; done
		"$build/tests/workload" --comm rt-promcost --children "$n" --child-getppid 3 >/dev/null
		sleep 0.5
		before=$(cpu_ticks "$pid")
		sleep "$window"
		after=$(cpu_ticks "$pid")
		size=0
		[ -f "$tmp/rt.prom" ] && size=$(stat -c %s "$tmp/rt.prom")
		kill -INT "$pid"
		wait "$pid" || true
		pid=
		rewrites=$((window * 10))
		[ "$config" = floor ] && rewrites=0
		ms=$(( (after - before) * 1000 / tick ))
		per=-
		[ "$rewrites" -gt 0 ] && per=$(awk -v m="$ms" -v r="$rewrites" 'BEGIN { printf "%.2f", m / r }')
		printf '%-8s %-22s %10s %10s %12s %10s\n' "$n" "$config" "$ms" "$rewrites" "$per" \
			"$((size / 1024))"
	done
done
