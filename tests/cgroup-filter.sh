#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Cgroup filters and labels (issue 14), against real cgroups made under the cgroup
# v2 mount (hybrid here: /sys/fs/cgroup/unified; unified in check-vm's guests),
# with workloads moved into them (echo PID > cgroup.procs), exact:
# 1. /T/a holds /T/a/b: a rule on /T/a counts both, one on /T/a/b the child alone,
#    one on /T/a excluding /T/a/b the parent alone; syscalls and execs.
# 2. /T/late, a unit, and docker and podman containers made after the start are
#    matched from their first process (a containerd one made before is found by the
#    start's scan); counts grouped by unit and container carry their names.
# 3. A removed cgroup's entry leaves the kernel's cgroup filter.
# 4. Events carry cgroup, unit and container in JSON and CSV.
# 5. Without cgroup v2 (unmounted in a mount namespace), a rule needing it: exit 2.
# 6. A container id prefix that names two containers: exit 2.
. "$srcdir/lib.sh"
need_root
CG=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -n1)
[ -n "$CG" ] || skip "no cgroup v2 mounted"
T=/rt-cgf-$$
ID1=$(printf '3f2a%060d' 0 | tr 0 c)	# cri-containerd, made before the start
ID2=$(printf 'dec4%060d' 0 | tr 0 e)	# docker, made after
ID3=$(printf '9a11%060d' 0 | tr 0 f)	# podman, made after
cleanup_cgroups() {
	# Deepest first; a cgroup with a process left in it stays (and says so).
	find "$CG$T" -depth -type d -exec rmdir {} + 2>/dev/null || true
}
trap 'cleanup_cgroups; cleanup' EXIT

mkdir -p "$CG$T/a/b" "$CG$T/kubepods.slice/kubepods-pod1.slice/cri-containerd-$ID1.scope"
cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $TMP/e.jsonl }
  c: { type: csv, path: $TMP/e.csv }
rules:
  - name: parent
    probe: sys_enter
    mode: count
    group_by: [cgroup]
    filter: { cgroup: [$T/a], syscalls: [getppid] }
  - name: child
    probe: sys_enter
    mode: count
    filter: { cgroup: [$T/a/b/], syscalls: [getppid] }
  - name: parent-only
    probe: sys_enter
    mode: count
    filter: { cgroup: [$T/a], exclude_cgroup: [$T/a/b], syscalls: [getppid] }
  - name: exec-parent
    probe: execve
    filter: { cgroup: [$T/a] }
    outputs: [j, c]
  - name: exec-parent-only
    probe: execve
    filter: { cgroup: [$T/a], exclude_cgroup: [$T/a/b] }
    outputs: [j]
  - name: late
    probe: sys_enter
    mode: count
    filter: { cgroup: [$T/late], syscalls: [getppid] }
  - name: units
    probe: sys_enter
    mode: count
    group_by: [unit]
    filter: { unit: [rt-cgf-web.service], syscalls: [getppid] }
  - name: containers
    probe: sys_enter
    mode: count
    group_by: [container]
    filter: { container: [${ID1:0:6}, ${ID2:0:12}, $ID3], syscalls: [getppid] }
  - name: exec-containers
    probe: execve
    filter: { container: [${ID1:0:6}, ${ID2:0:12}] }
    outputs: [j, c]
YAML
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"

# 1. Parent 300 getppid and 2 execs (+1: sh becomes the workload), child 500 and 3.
in_cgroup "$CG$T/a" "$WORKLOAD" --comm rt-cgf-a --getppid 300 --exec 2 -- /bin/true
in_cgroup "$CG$T/a/b" "$WORKLOAD" --comm rt-cgf-b --getppid 500 --exec 3 -- /bin/true
# 2. Made now, while tracing: the kernel matches them at mkdir.
mkdir -p "$CG$T/late" "$CG$T/system.slice/rt-cgf-web.service" "$CG$T/docker-$ID2.scope" \
	"$CG$T/machine.slice/libpod-$ID3.scope"
in_cgroup "$CG$T/late" "$WORKLOAD" --comm rt-cgf-l --getppid 700
in_cgroup "$CG$T/system.slice/rt-cgf-web.service" "$WORKLOAD" --comm rt-cgf-u --getppid 110
in_cgroup "$CG$T/kubepods.slice/kubepods-pod1.slice/cri-containerd-$ID1.scope" \
	"$WORKLOAD" --comm rt-cgf-c1 --getppid 120 --exec 1 -- /bin/true
in_cgroup "$CG$T/docker-$ID2.scope" "$WORKLOAD" --comm rt-cgf-c2 --getppid 130
in_cgroup "$CG$T/machine.slice/libpod-$ID3.scope" "$WORKLOAD" --comm rt-cgf-c3 --getppid 140

# 3. A removed cgroup leaves the filter: late's entry (both sets) goes with it.
late_id=$(stat -c %i "$CG$T/late")
entries() {	# entries ID: how many keys of ruletrace's rt_cgroup_filter name cgroup ID
	python3 - "$RT_PID" "$1" <<'PY'
import json, os, subprocess, sys
pid, want = sys.argv[1], int(sys.argv[2])
ids = set()
for fd in os.listdir(f"/proc/{pid}/fdinfo"):
    for line in open(f"/proc/{pid}/fdinfo/{fd}"):
        if line.startswith("map_id:"):
            ids.add(int(line.split()[1]))
for i in ids:
    show = json.loads(subprocess.check_output(["bpftool", "-j", "map", "show", "id", str(i)]))
    if show.get("name") != "rt_cgroup_filte":	# the kernel keeps 15 bytes of a name
        continue
    dump = json.loads(subprocess.check_output(["bpftool", "-j", "map", "dump", "id", str(i)]))
    print(sum(e["formatted"]["key"]["id"] == want for e in dump))
    break
PY
}
before=$(entries "$late_id")
rmdir "$CG$T/late"
after=$(entries "$late_id")
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
expect_eq "late's filter entries while it exists (the live set's)" "$before" 1
expect_eq "late's filter entries once removed" "$after" 0

python3 - "$TMP" "$T" "$ID1" "$ID2" "$ID3" <<'PY' || fail "figures"
import csv, json, sys
tmp, T, id1, id2, id3 = sys.argv[1:]
s = json.load(open(f"{tmp}/s.json"))
r = {x["name"]: x for x in s["rules"]}
def counted(name):
    return r[name]["events"]
assert counted("parent") == 800, r["parent"]
got = {c["cgroup"]: c["count"] for c in r["parent"]["counts"]}
assert got == {f"{T}/a": 300, f"{T}/a/b": 500}, got
assert counted("child") == 500, r["child"]
assert counted("parent-only") == 300, r["parent-only"]
assert r["exec-parent"]["events"] == 3 + 4, r["exec-parent"]
assert r["exec-parent-only"]["events"] == 3, r["exec-parent-only"]
assert counted("late") == 700, r["late"]
assert {c["unit"]: c["count"] for c in r["units"]["counts"]} == {"rt-cgf-web.service": 110}, r["units"]
assert {c["container"]: c["count"] for c in r["containers"]["counts"]} == \
    {id1: 120, id2: 130, id3: 140}, r["containers"]
# c1: sh becomes the workload, which runs /bin/true; c2: sh becomes the workload.
assert r["exec-containers"]["events"] == 3, r["exec-containers"]
ev = [json.loads(l) for l in open(f"{tmp}/e.jsonl")]
ev = [e for e in ev if e.get("event") == "exec"]
pa = [e for e in ev if e["rule"] == "exec-parent"]
assert sorted(e["cgroup"] for e in pa) == sorted([f"{T}/a"] * 3 + [f"{T}/a/b"] * 4), pa
assert all(e["unit"] is None and e["container"] is None for e in pa), pa
ct = [e for e in ev if e["rule"] == "exec-containers"]
want_cg = f"{T}/kubepods.slice/kubepods-pod1.slice/cri-containerd-{id1}.scope"
want = [(want_cg, f"cri-containerd-{id1}.scope", id1)] * 2 + \
    [(f"{T}/docker-{id2}.scope", f"docker-{id2}.scope", id2)]
assert [(e["cgroup"], e["unit"], e["container"]) for e in ct] == want, ct
rows = list(csv.reader(open(f"{tmp}/e.csv")))
head = rows[0]
assert head[-3:] == ["cgroup", "unit", "container"], head
ci = head.index("cgroup")
crow = [x for x in rows[1:] if x[1] == "exec-containers" and x[2] == "exec"]
assert [(x[ci], x[ci + 1], x[ci + 2]) for x in crow] == want, crow
print(f"ok: parent 800 = 300 + child 500, child 500, parent without child 300; execs 7, 3; "
      f"late 700, unit 110, containers {id1[:6]}.. 120, {id2[:12]}.. 130 and {id3[:8]}.. "
      f"(whole id) 140, labelled in JSON and CSV")
PY

# 5. Without cgroup v2 (unmounted in a mount namespace of its own), a rule that
#    needs it is refused at start, exit 2, saying why; one that does not still runs.
command -v unshare >/dev/null || fail "unshare (util-linux) missing"
st=0
unshare -m --propagation private sh -c 'umount -l "$0" && exec "$@"' "$CG" \
	"$RULETRACE" -d 200ms "$TMP/rules.yaml" >"$TMP/out" 2>"$TMP/err" || st=$?
expect_eq "no cgroup v2: exit status" "$st" 2
grep -q "no cgroup v2 hierarchy is mounted" "$TMP/err" || { cat "$TMP/err"; fail "no cgroup v2: reason"; }
printf 'version: 1\nrules:\n  - { name: c, probe: sys_enter, filter: { comm: [rt-none] } }\n' \
	>"$TMP/plain.yaml"
st=0
unshare -m --propagation private sh -c 'umount -l "$0" && exec "$@"' "$CG" \
	"$RULETRACE" -d 200ms "$TMP/plain.yaml" >"$TMP/out" 2>"$TMP/err" || st=$?
expect_eq "no cgroup v2, no rule needing it: exit status" "$st" 0

# 6. A container id prefix must be unique among the containers there are: one that
#    names two is refused at start, exit 2, saying which.
A=$(printf 'ab12%060d' 0 | tr 0 1)
B=$(printf 'ab12%060d' 0 | tr 0 2)
mkdir -p "$CG$T/docker-$A.scope" "$CG$T/docker-$B.scope"
printf 'version: 1\nrules:\n  - { name: c, probe: sys_enter, filter: { container: [ab12] } }\n' \
	>"$TMP/ambiguous.yaml"
st=0
"$RULETRACE" -d 200ms "$TMP/ambiguous.yaml" >"$TMP/out" 2>"$TMP/err" || st=$?
expect_eq "ambiguous container prefix: exit status" "$st" 2
grep -qF "container 'ab12' is not unique: it matches $A and $B" "$TMP/err" ||
	{ cat "$TMP/err"; fail "ambiguous container prefix: reason"; }
