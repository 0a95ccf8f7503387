#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Event labels (issue 14) for cgroups made while ruletrace runs, in two places at
# once (pods in two QoS slices, two services starting): every cgroup stays, so
# every exec event must name its cgroup (ruletrace(8): null only "where there is
# none, or when the cgroup was gone before its first event was written").
# A walk of the tree that found a cgroup made in one parent after it had read the
# other has raised the highest id it knows past the id of one it missed; an event
# of the missed one then counts as a cgroup gone, and the next walk is 100 ms away.
. "$srcdir/lib.sh"
need_root
CG=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -n1)
[ -n "$CG" ] || skip "no cgroup v2 mounted"
T=/rt-cglr-$$
cleanup_cgroups() {
	[ -d "$CG$T" ] && find "$CG$T" -depth -type d -exec rmdir {} + 2>/dev/null
	true
}
trap 'cleanup_cgroups; cleanup' EXIT
mkdir -p "$CG$T/a" "$CG$T/z" || fail mkdir
# Some tree between the two parents, so that a walk takes a while.
python3 -c 'import os, sys; [os.mkdir(f"{sys.argv[1]}/m{i}") for i in range(800)]' "$CG$T" ||
	fail "mkdir the tree"
cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $TMP/e.jsonl }
rules:
  - name: e
    probe: execve
    filter: { cgroup: [$T/a, $T/z] }
    outputs: [j]
YAML
rt_start "$TMP/rules.yaml"
# Two makers, one in a, one in z: a cgroup, a process moved in that execs, 2 s.
makers=()
for side in a z; do
	python3 - "$CG$T/$side" <<'PY' &
import os, sys, time
b = sys.argv[1]
end = time.time() + 2
n = 0
while time.time() < end:
    d = f"{b}/c{n}"
    os.mkdir(d)
    pid = os.fork()
    if pid == 0:
        with open(d + "/cgroup.procs", "w") as f:
            f.write(str(os.getpid()))
        os.execv("/bin/true", ["true"])
    os.waitpid(pid, 0)
    n += 1
PY
	makers+=($!)
done
wait "${makers[@]}" || fail "a maker failed"
sleep 0.5
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
python3 - "$TMP" "$T" <<'PY' || fail "labels"
import json, sys
tmp, T = sys.argv[1:]
ev = [json.loads(l) for l in open(f"{tmp}/e.jsonl")]
ex = [e for e in ev if e.get("event") == "exec"]
bad = [e for e in ex if not e["cgroup"]]
assert ex, "no exec events"
assert not bad, f"{len(bad)} of {len(ex)} exec events from live cgroups without a cgroup label"
print(f"ok: {len(ex)} execs in cgroups made meanwhile, all labelled")
PY
