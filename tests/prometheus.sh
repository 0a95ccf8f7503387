#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The prometheus output against the real engines, on loopback only: a count rule
# (comm, syscall) and a stream rule write their figures every 200 ms to a file
# that promtool accepts, that node_exporter's textfile collector serves, and
# from which a Prometheus server scraping that exporter answers the exact
# getppid counts of known workloads, a hostile comm among them (", \, a newline
# and a byte that is not UTF-8). While running the file is rewritten (a count
# seen mid-way) and every read finds it whole; after SIGTERM no temporary file
# is left. The services are started and stopped here, on free ports.
. "$srcdir/lib.sh"
need_root
for tool in promtool prometheus prometheus-node-exporter curl jq setpriv; do
	command -v "$tool" >/dev/null ||
		skip "$tool not installed (apt-get install prometheus prometheus-node-exporter curl jq)"
done

# The services this test starts, stopped however it ends.
SERVICES=()
eval "lib_$(declare -f cleanup)"
cleanup() {
	local pid
	for pid in "${SERVICES[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${SERVICES[@]}"; do
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
	done
	lib_cleanup
}

# wait_http URL WHAT LOG: until URL answers 200 (20 s at most), else fail showing LOG.
wait_http() {
	for _ in $(seq 1 200); do
		curl -sf -o /dev/null "$1" && return 0
		sleep 0.1
	done
	cat "$3" >&2
	fail "$2 did not answer on $1"
}

tf=$TMP/textfile
prom=$tf/ruletrace.prom
mkdir "$tf"
# The workloads run as a user of their own, which the rules filter on: a comm
# that is not UTF-8 cannot be written in a rule file.
wuid=$((40000 + $$ % 20000))
as_w() { setpriv --reuid="$wuid" --regid="$wuid" --clear-groups "$WORKLOAD" "$@"; }
hostile=$'p"q\\r\ns\xff'		# the comm: p " q \ r newline s, and the byte 0xff
hostile_label=$'p"q\\r\ns\\xff'		# its label value: the byte as the text \xff
hostile_line='ruletrace_syscalls_total{rule="counts",comm="p\"q\\r\ns\\xff",syscall="getppid"} 7'

ne_port=$(free_port)
p_port=$(free_port "$ne_port")
prometheus-node-exporter --web.listen-address="127.0.0.1:$ne_port" \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$tf" >"$TMP/node-exporter.log" 2>&1 &
SERVICES+=($!)
cat >"$TMP/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: ruletrace
    static_configs:
      - targets: ['127.0.0.1:$ne_port']
YAML
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
	--web.listen-address="127.0.0.1:$p_port" >"$TMP/prometheus.log" 2>&1 &
SERVICES+=($!)

cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  prom: { type: prometheus, path: $prom, interval: 200ms }
rules:
  - name: counts
    probe: sys_enter
    mode: count
    group_by: [comm, syscall]
    filter: { uid: [$wuid], syscalls: [getppid] }
    outputs: [prom]
  - name: stream
    probe: sys_enter
    mode: stream
    filter: { uid: [$wuid], comm: [rt-prom], syscalls: [getuid] }
    outputs: [prom]
YAML
rt_start -j "$TMP/sum.json" "$TMP/rules.yaml"

# Written right after the start: the series exist, at zero, before any syscall.
for _ in $(seq 1 100); do [ -s "$prom" ] && break; sleep 0.02; done
grep -qxF 'ruletrace_syscalls_counted_total{rule="counts"} 0' "$prom" ||
	{ cat "$prom"; fail "no zero series right after the start"; }
echo "ok: written right after the start, zero series in it"

# Rewritten while running: 40 getppid over 3 s show part-way; and each of the
# reads meanwhile, as fast as they come (a file written in place would be caught
# part-written), finds a whole file: as many TYPE lines as the first, from the
# first family to the last line of the last.
as_w --comm rt-prom-spread --getppid 40 --spread 3000 &
spread=$!
python3 - "$prom" "$spread" >"$TMP/reads" <<'PY' || { cat "$TMP/reads"; fail "a read found the file part-written"; }
import os, re, sys
path, pid = sys.argv[1], int(sys.argv[2])
first = open(path, "rb").read()
types = first.count(b"\n# TYPE ") + first.startswith(b"# TYPE ")
count = re.compile(rb'^ruletrace_syscalls_total\{rule="counts",comm="rt-prom-spread",syscall="getppid"\} (\d+)$', re.M)
def running():
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
reads, midway = 0, []
while running():
    text = open(path, "rb").read()
    reads += 1
    got = text.count(b"\n# TYPE ") + text.startswith(b"# TYPE ")
    whole = (got == types and text.startswith(b"# HELP ruletrace_start_time_seconds ") and
             re.search(rb'\nruletrace_prometheus_write_failures_total\{output="prom"\} \d+\n\Z', text))
    if not whole:
        print(f"read {reads}: {got} TYPE lines (want {types}), {len(text)} bytes:")
        print(text.decode("utf-8", "replace"))
        sys.exit(1)
    m = count.search(text)
    if m and 0 < int(m.group(1)) < 40 and (not midway or midway[-1] != int(m.group(1))):
        midway.append(int(m.group(1)))
print(reads, types, " ".join(map(str, midway)))
PY
wait "$spread" || fail "the spread workload failed"
read -r reads types midway <"$TMP/reads"
[ "$reads" -ge 100 ] || fail "only $reads reads while rewritten"
[ -n "$midway" ] || fail "no count seen part-way through the spread workload"
echo "ok: $reads reads while rewritten every 200 ms, each whole ($types families); seen part-way: $midway"

as_w --comm rt-prom --getppid 11 --getuid 3 || fail "workload rt-prom"
as_w --comm "$hostile" --getppid 7 || fail "workload (hostile comm)"
rt_stop TERM
expect_eq "exit status" "$RT_STATUS" 0

# Nothing left beside it, after SIGTERM too.
expect_eq "files in the textfile directory" "$(ls -A "$tf")" "ruletrace.prom"
expect_eq "mode" "$(stat -c %a "$prom")" 644
promtool check metrics <"$prom" >"$TMP/promtool.out" 2>&1 ||
	{ cat "$TMP/promtool.out"; fail "promtool check metrics refused the file"; }
echo "ok: promtool check metrics accepts the file"

# The final figures, exact.
has() { grep -qxF -- "$1" "$prom" || { cat "$prom"; fail "no line: $1"; }; }
has 'ruletrace_syscalls_total{rule="counts",comm="rt-prom",syscall="getppid"} 11'
has "$hostile_line"
has 'ruletrace_syscalls_total{rule="counts",comm="rt-prom-spread",syscall="getppid"} 40'
has 'ruletrace_syscalls_counted_total{rule="counts"} 58'
has 'ruletrace_syscalls_cut_total{rule="counts"} 0'
has 'ruletrace_events_matched_total{rule="stream"} 3'
has 'ruletrace_events_delivered_total{rule="stream"} 3'
has 'ruletrace_events_lost_total{rule="stream",stage="event_buffer"} 0'
has 'ruletrace_rules_loaded 2'
expect_eq "series of rule counts" "$(grep -c '^ruletrace_syscalls_total{rule="counts",' "$prom")" 3
# Its own written: the writes of the file, the last included, as the summary says.
written=$(jq '.outputs[] | select(.name == "prom") | .written' "$TMP/sum.json")
has "ruletrace_output_events_written_total{output=\"prom\",type=\"prometheus\"} $written"
expect_eq "failed writes" "$(jq '.outputs[] | select(.name == "prom") | .failed_writes' "$TMP/sum.json")" 0
grep -q "^output prom: file written $written times$" "$TMP/out" ||
	{ cat "$TMP/out"; fail "text summary: no 'file written $written times'"; }
echo "ok: the file holds the exact figures; written $written times"

# node_exporter serves them, labels sorted, escaped as in the file.
wait_http "http://127.0.0.1:$ne_port/metrics" node_exporter "$TMP/node-exporter.log"
curl -sf "http://127.0.0.1:$ne_port/metrics" >"$TMP/exported" || fail "curl node_exporter"
grep -qxF 'node_textfile_scrape_error 0' "$TMP/exported" ||
	{ grep textfile "$TMP/exported"; cat "$TMP/node-exporter.log"; fail "node_exporter could not read the file"; }
grep -qxF 'ruletrace_syscalls_total{comm="p\"q\\r\ns\\xff",rule="counts",syscall="getppid"} 7' \
	"$TMP/exported" || { grep ruletrace_syscalls "$TMP/exported"; fail "node_exporter: no hostile series"; }
grep -qxF 'ruletrace_syscalls_total{comm="rt-prom",rule="counts",syscall="getppid"} 11' \
	"$TMP/exported" || fail "node_exporter: no rt-prom series"
echo "ok: node_exporter serves the series, the hostile one whole"

# Prometheus scrapes the exporter; its query API answers the exact counts.
wait_http "http://127.0.0.1:$p_port/-/ready" prometheus "$TMP/prometheus.log"
query() {
	curl -sf "http://127.0.0.1:$p_port/api/v1/query" \
		--data-urlencode 'query=ruletrace_syscalls_total{rule="counts"}' >"$TMP/query.json" ||
		return 1
	got_h=$(jq -r --arg c "$hostile_label" '.data.result[] | select(.metric.comm == $c) | .value[1]' "$TMP/query.json")
	got_n=$(jq -r '.data.result[] | select(.metric.comm == "rt-prom") | .value[1]' "$TMP/query.json")
	[ "$got_h" = 7 ] && [ "$got_n" = 11 ]
}
for _ in $(seq 1 300); do query && break; sleep 0.1; done
query || { cat "$TMP/query.json"; echo; tail -20 "$TMP/prometheus.log";
	fail "Prometheus answered hostile='$got_h' rt-prom='$got_n', want 7 and 11"; }
expect_eq "Prometheus: the hostile comm's getppid" "$got_h" 7
expect_eq "Prometheus: rt-prom's getppid" "$got_n" 11
