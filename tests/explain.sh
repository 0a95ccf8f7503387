#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# --explain: the plan for a rule file on this kernel, as text and JSON, figures
# exact against the rule file and what this kernel offers; the object is loaded
# (verified) but nothing is attached; --explain --check, and --explain without
# privileges, load nothing and say what they could not probe; a bad rule file
# and a bad format are usage errors.
. "$srcdir/lib.sh"
need_root
command -v python3 >/dev/null || skip "python3 not installed"
command -v bpftool >/dev/null || skip "bpftool not installed"
command -v setpriv >/dev/null || skip "setpriv (util-linux) not installed"
id nobody >/dev/null 2>&1 || skip "no user 'nobody'"
as_nobody() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$@"; }
chmod 755 "$TMP"	# nobody reads the rule file too

# max_counters: is being added to the schema; until it is, the default is checked.
printf 'version: 1\nmax_counters: 40000\nrules:\n  - { name: x, probe: execve }\n' \
	>"$TMP/mc.yaml"
if "$RULETRACE" --check "$TMP/mc.yaml" >/dev/null 2>&1; then
	max_counters_line="max_counters: 40000" want_counters=40000
else
	echo "note: the rule file has no max_counters: yet; checking the default 16384"
	max_counters_line="" want_counters=16384
fi

cat >"$TMP/rules.yaml" <<YAML
version: 1
$max_counters_line
outputs:
  audit: { type: csv, path: $TMP/audit.csv }
rules:
  - name: execs
    probe: execve
    filter: { comm: [bash, rt-explain], exclude_pid: [1] }
    outputs: [stdout, audit]
  - name: sys
    probe: sys_enter
    mode: count
    group_by: [comm, syscall]
    filter: { syscalls: [getppid, openat] }
YAML
chmod 644 "$TMP/rules.yaml"

if [ -e /sys/bus/event_source/devices/kprobe/type ]; then kprobes=1; else kprobes=0; fi
ncpus=$(python3 -c '
s = open("/sys/devices/system/cpu/possible").read().strip()
print(sum(int(b) - int(a) + 1 if "-" in r else 1
          for r in s.split(",") for a, _, b in [r.partition("-")]))')

# check_json FILE MODE: the JSON figures, exactly; MODE is "load" (root) or "check".
check_json() {
	KPROBES=$kprobes NCPUS=$ncpus MODE=$2 WANT_COUNTERS=$want_counters \
	RULES=$TMP/rules.yaml AUDIT=$TMP/audit.csv RELEASE=$(uname -r) python3 - "$1" <<'PY' ||
import json, os, sys

j = json.load(open(sys.argv[1]))
env = os.environ
load = env["MODE"] == "load"
ncpus = int(env["NCPUS"])
kprobes = env["KPROBES"] == "1"

def eq(what, got, want):
    if got != want:
        sys.exit(f"{what}: got {got!r}, want {want!r}")

eq("top-level keys", sorted(j), sorted(["rules_file", "check", "kernel", "verified",
   "verify_reason", "error", "rules", "buffers", "max_counters", "maps", "memory_bytes",
   "memory_note"]))
eq("rules_file", j["rules_file"], env["RULES"])
eq("check", j["check"], not load)
k = j["kernel"]
eq("kernel.release", k["release"], env["RELEASE"])
eq("kernel.arch", k["arch"], os.uname().machine)
eq("kernel.possible_cpus", k["possible_cpus"], ncpus)
eq("kernel.probed", k["probed"], load)
eq("kernel.btf", k["btf"], True)
eq("kernel.kprobes", k["kprobes"], kprobes)
eq("kernel.execve_tracepoint", k["execve_tracepoint"], True)
eq("kernel.ringbuf", k["ringbuf"], True)
eq("kernel.bpf_loop", k["bpf_loop"], True)
if kprobes:
    eq("kernel.kprobe_reason", k["kprobe_reason"], None)
elif load:
    eq("kernel.kprobe_reason", k["kprobe_reason"], "kernel has no kprobes: no kprobe PMU "
       "in /sys/bus/event_source/devices and no kprobe_events in tracefs")
not_probed = {u["what"]: u["why"] for u in k["not_probed"]}
if load:
    eq("not_probed", not_probed, {})
    eq("verified", j["verified"], True)
    eq("error", j["error"], None)
else:
    # bpf(2) is not to be used: these two come from the kernel version.
    for what in ("ringbuf", "bpf_loop"):
        if "assumed yes from the kernel version" not in not_probed.get(what, ""):
            sys.exit(f"not_probed: {what}: {not_probed.get(what)!r}")
    eq("verified", j["verified"], None)
    if not j["verify_reason"].startswith("not tried: "):
        sys.exit(f"verify_reason: {j['verify_reason']!r}")

r = {x["name"]: x for x in j["rules"]}
eq("rules", [x["name"] for x in j["rules"]], ["execs", "sys"])
eq("slots", [x["slot"] for x in j["rules"]], [0, 1])
ex, sy = r["execs"], r["sys"]
eq("execs probe", (ex["probe"], ex["mode"], ex["group_by"]), ("execve", "stream", []))
eq("sys probe", (sy["probe"], sy["mode"], sy["group_by"]), ("sys_enter", "count", ["comm", "syscall"]))
if kprobes:
    eq("execs attach", (ex["attach"], ex["attach_why"]), ("kprobe", "kprobe (ksyscall execve)"))
else:
    eq("execs attach", ex["attach"], "tracepoint")
    want = "tracepoint syscalls:sys_enter_execve (kprobe unavailable: kernel has no kprobes: "
    if not ex["attach_why"].startswith(want):
        sys.exit(f"execs attach_why: {ex['attach_why']!r}")
eq("sys attach", (sy["attach"], sy["attach_why"]), ("raw_tracepoint", "raw_tracepoint sys_enter"))
eq("builds", (ex["build"], sy["build"]), ("bpf_loop", "bpf_loop"))
none = {"include": [], "exclude": []}
eq("execs filters", ex["filters"], {
    "comm": {"include": ["bash", "rt-explain"], "exclude": []},
    "pid": {"include": [], "exclude": [1], "follow": []},
    "uid": none, "syscall": none, "program": none, "cgroup": none, "unit": none,
    "container": none})
eq("sys filters: syscall names", [s["name"] for s in sy["filters"]["syscall"]["include"]],
   ["getppid", "openat"])
eq("sys filters", {**sy["filters"], "syscall": None}, {
    "comm": none, "pid": {"include": [], "exclude": [], "follow": []}, "uid": none,
    "syscall": None, "program": none, "cgroup": none, "unit": none, "container": none})
eq("execs outputs", ex["outputs"], [{"name": "stdout", "type": "stdout", "path": None},
   {"name": "audit", "type": "csv", "path": env["AUDIT"]}])
eq("sys outputs", sy["outputs"], [{"name": "stdout", "type": "stdout", "path": None}])

eq("buffers", j["buffers"], {"events": "ringbuf", "bytes": 4194304, "per_cpu": False,
   "cpus": ncpus, "total_bytes": 4194304, "args_cap": 131072,
   "args_cap_why": "ARG_MAX, the most a rule may ask for"})
eq("max_counters", j["max_counters"], int(env["WANT_COUNTERS"]))
maps = {m["name"]: m for m in j["maps"]}
# The one stream rule's own ring buffer, held by rt_rings; the perf array unused.
eq("event rings", maps["rt_rings"], {"name": "rt_rings", "type": "array_of_maps",
   "key_size": 4, "value_size": 4, "entries": 64, "per_cpu": False, "bytes": 4194304})
eq("perf events map", maps["rt_events"], {"name": "rt_events", "type": "perf_event_array",
   "key_size": 4, "value_size": 4, "entries": 1, "per_cpu": False, "bytes": 8})
for name in ("rt_counts", "rt_slot_counts", "rt_slot_of", "rt_free_slots"):
    eq(f"{name} entries", maps[name]["entries"], int(env["WANT_COUNTERS"]))
eq("filter map entries (two sets each)", [maps[n]["entries"] for n in
   ("rt_comm_filter", "rt_pid_filter", "rt_uid_filter", "rt_sys_filter")],
   [2 * 1024, 2 * 16384, 2 * 1024, 2 * 1024])
for m in j["maps"]:
    if m["name"] not in ("rt_rings", "rt_cgroup_births"):	# ring buffers: their bytes
        copies = ncpus if m["per_cpu"] else 1
        eq(f"{m['name']} bytes", m["bytes"],
           m["entries"] * (m["key_size"] + m["value_size"] * copies))
eq("per-CPU maps", sorted(n for n, m in maps.items() if m["per_cpu"]),
   ["rt_cgroup_scratch", "rt_counts", "rt_cpu_cache", "rt_rule_stats", "rt_slot_counts",
    "rt_stats"])
# Too large for a per-CPU value: an array with an exec event for each CPU.
eq("exec heap", (maps["rt_exec_heap"]["type"], maps["rt_exec_heap"]["entries"]),
   ("array", ncpus))
eq("execs in flight", maps["rt_exec_pending"]["entries"], 10240)
eq("memory_bytes", j["memory_bytes"], sum(m["bytes"] for m in j["maps"]))
if "without hash-table" not in j["memory_note"]:
    sys.exit(f"memory_note: {j['memory_note']!r}")
print("ok: every figure of", sys.argv[1])
PY
		fail "JSON figures of $1 (mode $2)"
}

# 1. As root: JSON, figures exact; nothing on standard error.
"$RULETRACE" --explain=json --buffer-size 4M "$TMP/rules.yaml" >"$TMP/json" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "--explain=json exited $?"; }
[ -s "$TMP/err" ] && { cat "$TMP/err"; fail "--explain=json wrote to standard error"; }
check_json "$TMP/json" load

# 2. The same as text.
"$RULETRACE" --explain --buffer-size 4M "$TMP/rules.yaml" >"$TMP/text" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "--explain exited $?"; }
cat "$TMP/text"
[ -s "$TMP/err" ] && fail "--explain wrote to standard error"
nr() { python3 -c 'import json, sys; j = json.load(open(sys.argv[1]))
print([s["nr"] for s in j["rules"][1]["filters"]["syscall"]["include"] if s["name"] == sys.argv[2]][0])' \
	"$TMP/json" "$1"; }
memory=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["memory_bytes"])' "$TMP/json")
for line in "rules file:          $TMP/rules.yaml" \
	"verified:            yes (the BPF object loaded on this kernel; nothing was attached)" \
	"rule execs: slot 0" "rule sys: slot 1" \
	"  probe:             sys_enter, count by comm, syscall" \
	"  filters:           comm include: bash, rt-explain" \
	"                     pid exclude: 1" \
	"  filters:           syscall include: getppid ($(nr getppid)), openat ($(nr openat))" \
	"  outputs:           stdout (stdout), audit (csv $TMP/audit.csv)" \
	"  events:            a ring buffer per stream rule, shared by every CPU: 4194304 bytes (4.0 MiB) together" \
	"                     rule execs: 4194304 bytes (4.0 MiB)" \
	"  count map:         $want_counters entries (max_counters)" \
	"  attach:            raw_tracepoint sys_enter"; do
	grep -qxF -- "$line" "$TMP/text" || fail "text lacks: $line"
done
grep -qE "^memory: +$memory bytes \([0-9.]+ MiB\), estimated: .*without hash-table overhead$" \
	"$TMP/text" || fail "text: memory line"
if [ "$kprobes" = 0 ]; then
	grep -qF "  attach:            tracepoint syscalls:sys_enter_execve (kprobe unavailable: " \
		"$TMP/text" || fail "text: execve attach"
fi
echo "ok: text"

# 3. Nothing attached: held (stopped) once loaded, its programs are there and no link
# is; once it exits they are gone. By program id, not by count: other ruletraces may
# be running on this kernel.
RULETRACE_TEST_FAULT=explain-hold "$RULETRACE" --explain "$TMP/rules.yaml" >/dev/null \
	2>"$TMP/err" &
pid=$!
for _ in $(seq 1 200); do
	[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = T ] && break
	sleep 0.05
done
[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = T ] || fail "explain-hold: not held"
progs=$(cat /proc/$pid/fdinfo/* 2>/dev/null | awk '$1 == "prog_id:" { print $2 }' | sort -u)
links=$(cat /proc/$pid/fdinfo/* 2>/dev/null | grep -c '^link_id:' || true)
[ -n "$progs" ] || fail "held: no program loaded"
expect_eq "held: link fds" "$links" 0
bpftool -j link list >"$TMP/links" || fail "bpftool link list"
PROGS="$progs" python3 -c '
import json, os, sys
ids = set(int(x) for x in os.environ["PROGS"].split())
bad = [l for l in json.load(open(sys.argv[1])) if l.get("prog_id") in ids]
sys.exit(f"attached: {bad}" if bad else 0)' "$TMP/links" || fail "a link to an explain program"
echo "ok: held: $(echo "$progs" | wc -l) programs loaded, none attached"
kill -CONT "$pid"
st=0
wait "$pid" || st=$?
expect_eq "held: exit status" "$st" 0
for id in $progs; do
	bpftool prog show id "$id" >/dev/null 2>&1 && fail "program $id still loaded after exit"
done
echo "ok: its programs are gone after exit"

# 4. --explain --check as root, and --explain and --explain --check as nobody: no
# privileges used, nothing loaded, what could not be probed said.
"$RULETRACE" --explain=json --check --buffer-size 4M "$TMP/rules.yaml" >"$TMP/json" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "--explain --check exited $?"; }
python3 -c 'import json, sys; j = json.load(open(sys.argv[1]))
sys.exit(0 if j["check"] and j["verified"] is None and
         j["verify_reason"] == "not tried: --check loads nothing" else j)' "$TMP/json" ||
	fail "--explain --check as root"
for check in "" --check; do
	st=0
	as_nobody "$RULETRACE" --explain=json $check --buffer-size 4M "$TMP/rules.yaml" \
		>"$TMP/json" 2>"$TMP/err" || st=$?
	cat "$TMP/err"
	expect_eq "nobody --explain $check: exit status" "$st" 0
	check_json "$TMP/json" check
	as_nobody "$RULETRACE" --explain $check "$TMP/rules.yaml" >"$TMP/text" 2>&1 ||
		fail "nobody --explain $check (text)"
	grep -qE "^  ring buffer: +yes \(not probed: needs bpf\(2\) and privileges: assumed yes" \
		"$TMP/text" || { cat "$TMP/text"; fail "nobody: not probed ring buffer"; }
	grep -q "^verified: *- (not tried: " "$TMP/text" || fail "nobody: verified"
done

# 5. A bad rule file: exit 2, the run's FILE:LINE:COL error, nothing on standard output.
printf 'version: 1\nrules:\n  - name: x\n    probe: nope\n' >"$TMP/bad.yaml"
st=0
"$RULETRACE" --explain=json "$TMP/bad.yaml" >"$TMP/out" 2>"$TMP/err" || st=$?
expect_eq "bad rule file: exit status" "$st" 2
expect_eq "bad rule file: error" "$(cat "$TMP/err")" \
	"ruletrace: $TMP/bad.yaml:4:12: unknown probe 'nope' (expected execve or sys_enter)"
[ -s "$TMP/out" ] && fail "bad rule file: something on standard output"

# 6. A format that is neither text nor json: a usage error.
st=0
"$RULETRACE" --explain=yaml >"$TMP/out" 2>"$TMP/err" || st=$?
expect_eq "--explain=yaml: exit status" "$st" 2
expect_eq "--explain=yaml: error" "$(cat "$TMP/err")" \
	"ruletrace: --explain: 'yaml' is not a format (use text or json)"
echo "ok: explain"
