#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# RLIMIT_MEMLOCK of 0. Since 5.11 BPF memory is charged to the memory cgroup and
# the limit does not apply. Before that it does: root (CAP_SYS_RESOURCE) has libbpf
# raise it, and without that capability the run fails with an error that names the
# limit, never a silent partial load. Runs on this machine and in tests/vm.
. "$srcdir/lib.sh"
need_root
command -v setpriv >/dev/null || skip "setpriv (util-linux) not installed"

chmod 711 "$TMP"
mkdir -m 755 "$TMP/pub"
cat >"$TMP/pub/rules.yaml" <<'YAML'
version: 1
rules:
  - { name: calls, probe: sys_enter, filter: { comm: [rt-memlock] } }
YAML
chmod 644 "$TMP/pub/rules.yaml"
# ulimit -l 0, then ruletrace, with whatever privileges this wrapper is given.
cat >"$TMP/memlock0" <<SH
#!/bin/bash
ulimit -l 0 || exit 99
exec "$RULETRACE" "\$@"
SH
chmod 755 "$TMP/memlock0"

RULETRACE="$TMP/memlock0" rt_start "$TMP/pub/rules.yaml"
"$WORKLOAD" --comm rt-memlock --getppid 3000
rt_stop INT
expect_eq "root, ulimit -l 0: exit status" "$RT_STATUS" 0
expect_eq "root, ulimit -l 0: rt-memlock" "$(summary_count calls rt-memlock)" 3001

# An ordinary user with only what ruletrace(8) asks for, no CAP_SYS_RESOURCE.
IFS=. read -r major minor _ <<<"$(uname -r)"
old=false
[ "$major" -lt 5 ] || { [ "$major" = 5 ] && [ "$minor" -lt 11 ]; } && old=true
caps=-all,+bpf,+perfmon,+dac_read_search
# A command, not a function: started with &, its pid is ruletrace's (setpriv execs).
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps="$caps"
	--ambient-caps="$caps" "$TMP/memlock0")
if [ "$old" = true ]; then
	st=0
	# Expected to fail at load; -d bounds the run should it not.
	"${as_nobody[@]}" -d 1s "$TMP/pub/rules.yaml" >"$TMP/out" 2>"$TMP/err" || st=$?
	cat "$TMP/err"
	expect_eq "kernel $(uname -r), no CAP_SYS_RESOURCE, ulimit -l 0: exit status" "$st" 1
	grep -q "before Linux 5.11 also CAP_SYS_RESOURCE or a larger ulimit -l" "$TMP/err" ||
		fail "the error does not name the memlock limit"
	echo "ok: the failure names the limit"
else
	# Ready, then the workload, then the stop: the run spans the whole workload.
	"${as_nobody[@]}" --ready-fd 9 "$TMP/pub/rules.yaml" >"$TMP/out" 2>"$TMP/err" \
		9>"$TMP/ready-nobody" &
	RT_PID=$!
	rt_wait_ready "$RT_PID" "$TMP/ready-nobody"
	"$WORKLOAD" --comm rt-memlock --getppid 2000
	rt_stop INT
	expect_eq "kernel $(uname -r), no CAP_SYS_RESOURCE, ulimit -l 0: exit status" \
		"$RT_STATUS" 0
	expect_eq "no CAP_SYS_RESOURCE, ulimit -l 0: rt-memlock" \
		"$(summary_count calls rt-memlock)" 2001
fi
