#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# rt_cgroup_filter holds 8192 entries, both filter sets together (ruletrace_abi.h
# RT_CGROUP_ENTRIES). After a reload both sets have a ruleset with cgroup filters,
# and rt_cgroup_mkdir gives every matching cgroup made from then on an entry in
# each: the old, idle set's too, which nothing reads. 4500 containers made after a
# reload (a busy node between two config reloads) fill the map at 4096, and the
# containers after that are silently not matched. The last one made must be counted
# (or, if the map is full, ruletrace must say so).
. "$srcdir/lib.sh"
need_root
CG=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -n1)
[ -n "$CG" ] || skip "no cgroup v2 mounted"
T=/rt-cgff-$$
cleanup_cgroups() {
	[ -d "$CG$T" ] && find "$CG$T" -depth -type d -exec rmdir {} + 2>/dev/null
	true
}
trap 'cleanup_cgroups; cleanup' EXIT
mkdir -p "$CG$T" || fail mkdir
cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - name: c
    probe: sys_enter
    mode: count
    filter: { container: [fee], syscalls: [getppid] }
YAML
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
hup "reloaded"
python3 - "$CG$T" <<'PY' || fail "mkdir 4500 containers"
import os, sys
for i in range(4500):
    os.mkdir(f"{sys.argv[1]}/docker-fee{i:061d}.scope")
PY
run_in() {
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG$T/docker-fee$(printf '%061d' "$1").scope" \
		"$WORKLOAD" --comm rt-cgff --getppid "$2" || fail "workload in container $1"
}
run_in 0 5
run_in 4499 77
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
got=$(python3 -c 'import json,sys; print({x["name"]: x["events"] for x in json.load(open(sys.argv[1]))["rules"]}["c"])' "$TMP/s.json")
if [ "$got" != 82 ]; then
	grep -i -q -E 'full|cgroup filter' "$TMP/err" && { echo "ok: said: $(grep -i -E 'full|cgroup filter' "$TMP/err" | head -n1)"; exit 0; }
	fail "the 4500th container made after a reload: counted $got of 82, nothing said"
fi
echo "ok: 4500 containers made after a reload all matched"
