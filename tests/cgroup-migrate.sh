#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# group_by: [cgroup] (issue 14) with processes that move between cgroups while
# they make syscalls: counters are keyed by the cgroup a syscall was made in.
# 1. A process that moves itself (A, then B, then A's child A/c) between exact
#    numbers of getppid calls: each cgroup's count exact.
# 2. A thread spinning getppid while another thread of its process moves the
#    process back and forth 200 times: the total exact, nothing lost or doubled.
. "$srcdir/lib.sh"
need_root
CG=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -n1)
[ -n "$CG" ] || skip "no cgroup v2 mounted"
T=/rt-cgmv-$$
cleanup_cgroups() {
	find "$CG$T" -depth -type d -exec rmdir {} + 2>/dev/null || true
}
trap 'cleanup_cgroups; cleanup' EXIT
mkdir -p "$CG$T/a/c" "$CG$T/b" "$CG$T/x" "$CG$T/y" || fail mkdir
cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - name: self
    probe: sys_enter
    mode: count
    group_by: [cgroup]
    filter: { cgroup: [$T/a, $T/b], syscalls: [getppid] }
  - name: threads
    probe: sys_enter
    mode: count
    group_by: [cgroup]
    filter: { cgroup: [$T/x, $T/y], syscalls: [getppid] }
YAML
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
python3 - "$CG$T" <<'PY' || fail "movers"
import os, sys, threading, time
base = sys.argv[1]
def move(path, pid=0):
    with open(f"{base}/{path}/cgroup.procs", "w") as f:
        f.write(str(pid or os.getpid()))
def calls(n):
    for _ in range(n):
        os.getppid()
# 1. by itself: 1000 in a, 2000 in b, 3000 in a/c
pid = os.fork()
if pid == 0:
    move("a"); calls(1000); move("b"); calls(2000); move("a/c"); calls(3000)
    os._exit(0)
os.waitpid(pid, 0)
# 2. a spinner thread, the process moved by its other thread
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    move("x")
    def spin():
        calls(500000)
    t = threading.Thread(target=spin)
    t.start()
    i = 0
    while t.is_alive() and i < 200:
        move("y" if i % 2 == 0 else "x")
        i += 1
        time.sleep(0.001)	# the spinner runs in each cgroup in turn
    t.join()
    os.write(w, str(i).encode())
    os._exit(0)
os.close(w)
os.waitpid(pid, 0)
print("moves:", os.read(r, 100).decode())
PY
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
python3 - "$TMP" "$T" <<'PY' || fail "figures"
import json, sys
tmp, T = sys.argv[1:]
r = {x["name"]: x for x in json.load(open(f"{tmp}/s.json"))["rules"]}
got = {c["cgroup"]: c["count"] for c in r["self"]["counts"]}
assert got == {f"{T}/a": 1000, f"{T}/b": 2000, f"{T}/a/c": 3000}, got
got = {c["cgroup"]: c["count"] for c in r["threads"]["counts"]}
assert sum(got.values()) == 500000 and set(got) == {f"{T}/x", f"{T}/y"}, got
print(f"ok: self-moved exact per cgroup; moved while spinning: {got}")
PY
