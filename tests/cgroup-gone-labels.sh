#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# group_by: [cgroup, unit, container] (issue 14) for cgroups made and removed during
# the run, before the summary: a service run once (a `systemctl start` of a oneshot,
# a restart) and a container run with --rm. Their counters carry their unit and
# container in the summary (ruletrace-rules(5): "unit per systemd unit and container
# per container"), not null (no unit, no container) beside the processes that have
# none; the cgroup label may be "#ID" once it is gone.
. "$srcdir/lib.sh"
need_root
CG=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -n1)
[ -n "$CG" ] || skip "no cgroup v2 mounted"
T=/rt-cggl-$$
ID=$(printf 'beef%060d' 0 | tr 0 b)
cleanup_cgroups() {
	find "$CG$T" -depth -type d -exec rmdir {} + 2>/dev/null || true
}
trap 'cleanup_cgroups; cleanup' EXIT
mkdir -p "$CG$T/plain" || fail mkdir
cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - name: by-all
    probe: sys_enter
    mode: count
    group_by: [cgroup, unit, container]
    filter: { cgroup: [$T], syscalls: [getppid] }
YAML
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
run_in() {
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG$1" "$WORKLOAD" --comm rt-cggl \
		--getppid "$2" || fail "workload in $1"
}
mkdir "$CG$T/rt-cggl-once.service" "$CG$T/docker-$ID.scope"
run_in "$T/plain" 10
run_in "$T/rt-cggl-once.service" 100
run_in "$T/docker-$ID.scope" 200
rmdir "$CG$T/rt-cggl-once.service" "$CG$T/docker-$ID.scope"
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
python3 - "$TMP" "$T" "$ID" <<'PY' || fail "labels of gone cgroups"
import json, sys
tmp, T, cid = sys.argv[1:]
r = {x["name"]: x for x in json.load(open(f"{tmp}/s.json"))["rules"]}
got = sorted((c["count"], c["unit"], c["container"]) for c in r["by-all"]["counts"])
want = [(10, None, None), (100, "rt-cggl-once.service", None),
        (200, f"docker-{cid}.scope", cid)]
assert got == want, (got, r["by-all"]["counts"])
print("ok: gone unit and container keep their labels")
PY
