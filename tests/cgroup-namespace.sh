#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# ruletrace in a cgroup namespace of its own (as in a container with a private
# cgroupns, docker's default on cgroup v2), the cgroup2 mount its namespace's:
# paths are those of /proc/PID/cgroup there and of the mount (ruletrace-rules(5)),
# relative to the namespace's root. A rule on /early (made before the start) and
# one on /late (made during the run, matched by the kernel at mkdir) must both
# count what runs in them.
. "$srcdir/lib.sh"
need_root
CG=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -n1)
[ -n "$CG" ] || skip "no cgroup v2 mounted"
command -v unshare >/dev/null || skip "no unshare"
T=/rt-cgns-$$
cleanup_cgroups() {
	find "$CG$T" -depth -type d -exec rmdir {} + 2>/dev/null || true
}
trap 'cleanup_cgroups; cleanup' EXIT
mkdir -p "$CG$T/ns/early" || fail mkdir
# ruletrace's wrapper: into $T/ns, a cgroup and a mount namespace, cgroup2 mounted
# afresh (rooted at $T/ns), then ruletrace in the same process (fd 9 passed on).
cat >"$TMP/wrap" <<WRAP
#!/bin/sh
echo \$\$ >"$CG$T/ns/cgroup.procs" || exit 1
exec unshare -C -m --propagation private sh -c 'umount -l "$CG" && mount -t cgroup2 none "$CG" && exec "\$@"' sh "$RULETRACE" "\$@"
WRAP
chmod +x "$TMP/wrap"
cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - name: early
    probe: sys_enter
    mode: count
    filter: { cgroup: [/early], syscalls: [getppid] }
  - name: late
    probe: sys_enter
    mode: count
    filter: { cgroup: [/late], syscalls: [getppid] }
YAML
chmod 600 "$TMP/rules.yaml"
RULETRACE=$TMP/wrap rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
mkdir "$CG$T/ns/late" || fail "mkdir late"
run_in() {
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG$1" "$WORKLOAD" --comm rt-cgns \
		--getppid "$2" || fail "workload in $1"
}
run_in "$T/ns/early" 100
run_in "$T/ns/late" 20
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
got=$(python3 -c 'import json,sys; r={x["name"]: x["events"] for x in json.load(open(sys.argv[1]))["rules"]}; print(r["early"], r["late"])' "$TMP/s.json")
expect_eq "in a cgroup namespace: /early and /late (made during the run)" "$got" "100 20"
