# SPDX-License-Identifier: GPL-2.0-only
# lib.sh - shared by the integration tests: skip rules, starting ruletrace and
# waiting until it is ready (attached: its --ready-fd line), stopping it, reading
# its summary.

: "${RULETRACE:?RULETRACE must name the ruletrace binary}"
: "${WORKLOAD:=}"
TMP=$(mktemp -d /tmp/ruletrace-test.XXXXXX)
RT_PID=
cleanup() {
	[ -n "$RT_PID" ] && kill -KILL "$RT_PID" 2>/dev/null
	# A daemon a test stopped (SIGSTOP) takes SIGTERM only once it runs again.
	[ -f "$TMP/rs/pid" ] && kill -CONT "$(cat "$TMP/rs/pid")" 2>/dev/null &&
		kill "$(cat "$TMP/rs/pid")" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# skip REASON: exit 77 (automake's SKIP), but under CI=true a skip is a failure.
skip() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL (CI=true, cannot skip): $*" >&2
		exit 1
	fi
	echo "SKIP: $*" >&2
	exit 77
}

need_root() {
	[ -z "$WORKLOAD" ] || [ -x "$WORKLOAD" ] || fail "workload $WORKLOAD not built"
	[ "$(id -u)" = 0 ] || skip "needs root"
	[ -e /sys/kernel/btf/vmlinux ] || skip "kernel has no BTF (/sys/kernel/btf/vmlinux)"
}

# rt_wait_ready PID READY [ERR]: wait until ruletrace PID (started with
# "--ready-fd 9 9>READY": through wrappers too, which pass fd 9 on) has written
# its ready line, "READY=1 MAINPID=<pid>", to READY: its probes are attached and
# counting. Fails, showing ERR (default $TMP/err), if it exits first or takes
# RT_READY_SECONDS (default 10; the emulated guests of tests/vm set more).
rt_wait_ready() {
	for _ in $(seq 1 $(( ${RT_READY_SECONDS:-10} * 20 ))); do
		grep -q "^READY=1 MAINPID=[0-9]*$" "$2" 2>/dev/null && return 0
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	# It may have written the line and ended (--duration, --max-events) meanwhile.
	grep -q "^READY=1 MAINPID=[0-9]*$" "$2" 2>/dev/null && return 0
	cat "${3:-$TMP/err}" >&2
	fail "ruletrace did not get ready"
}

# rt_start RULES [ARGS...]: run ruletrace in the background, output in $TMP/out
# and $TMP/err, its ready line in $TMP/ready, and wait until it is ready.
rt_start() {
	# Emptied here, not only by the background job's redirections: those run in
	# the child, and a wait that ran first would find the last run's ready line.
	: >"$TMP/out"
	: >"$TMP/err"
	: >"$TMP/ready"
	"$RULETRACE" --ready-fd 9 "$@" >"$TMP/out" 2>"$TMP/err" 9>"$TMP/ready" &
	RT_PID=$!
	rt_wait_ready "$RT_PID" "$TMP/ready"
}

# rt_stop [SIGNAL]: stop ruletrace, set RT_STATUS to its exit status.
rt_stop() {
	kill -"${1:-INT}" "$RT_PID"
	RT_STATUS=0
	wait "$RT_PID" || RT_STATUS=$?
	RT_PID=
}

# logged PATTERN N: wait (5 s at most) until $TMP/err holds N lines matching
# PATTERN; 1 if ruletrace died or time ran out first.
logged() {
	for _ in $(seq 1 500); do
		[ "$(grep -c -- "$1" "$TMP/err")" -ge "$2" ] && return 0
		kill -0 "$RT_PID" 2>/dev/null || break
		sleep 0.01
	done
	return 1
}

# hup PATTERN: SIGHUP, and wait until one more line matches PATTERN (a reload's
# "reloaded" or "reload failed"); fails the test if none comes.
hup() {
	local n
	n=$(grep -c -- "$1" "$TMP/err")
	kill -HUP "$RT_PID"
	logged "$1" $((n + 1)) || { cat "$TMP/err" >&2; fail "SIGHUP: no '$1' logged"; }
}

# bad_good_rules FILE COMM OUTPUT: an exec rule for COMM to the output 'bad'
# (written as OUTPUT, at line 3, column 3) and to a CSV 'good' in $TMP/good.csv.
bad_good_rules() {
	cat >"$1" <<YAML
version: 1
outputs:
  bad: $3
  good: { type: csv, path: $TMP/good.csv }
rules:
  - name: execs
    probe: execve
    filter: { comm: [$2] }
    outputs: [bad, good]
YAML
}

# summary_count RULE COMM: the count shown for COMM under rule RULE, or 0.
summary_count() {
	awk -v rule="$1" -v comm="$2" '
		/^rule / { inrule = ($2 == rule ":") ; next }
		inrule && $1 == comm && $2 ~ /^[0-9]+$/ { print $2; found = 1; exit }
		END { if (!found) print 0 }' "$TMP/out"
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
	echo "ok: $1 = $3"
}

# need_exec_attack: $EXEC_ATTACK, the hostile exec helper (tests/exec_attack.c),
# beside the workload unless make says where; built, or the test fails.
need_exec_attack() {
	: "${EXEC_ATTACK:=$(dirname "$WORKLOAD")/exec_attack}"
	[ -x "$EXEC_ATTACK" ] || fail "$EXEC_ATTACK not built (make tests/exec_attack)"
}

# start_rsyslog [TEMPLATE [GLOBAL]]: a private rsyslogd listening on $TMP/rs/log,
# writing what it receives to $TMP/rs/messages (in rsyslog's string TEMPLATE if
# given, else its default format); GLOBAL adds parameters to its global(), e.g.
# 'maxMessageSize="64k"'. Stopped by cleanup. Skips without rsyslogd.
start_rsyslog() {
	command -v rsyslogd >/dev/null || skip "rsyslogd not installed (apt-get install rsyslog)"
	mkdir -p "$TMP/rs"
	{
		echo "global(workDirectory=\"$TMP/rs\"${2:+ $2})"
		echo 'module(load="imuxsock" SysSock.Use="off")'
		echo "input(type=\"imuxsock\" Socket=\"$TMP/rs/log\" CreatePath=\"on\")"
		if [ -n "${1:-}" ]; then
			echo "template(name=\"t\" type=\"string\" string=\"$1\")"
			echo "action(type=\"omfile\" file=\"$TMP/rs/messages\" template=\"t\")"
		else
			echo "action(type=\"omfile\" file=\"$TMP/rs/messages\")"
		fi
	} >"$TMP/rs/conf"
	rsyslogd -f "$TMP/rs/conf" -i "$TMP/rs/pid" || fail "rsyslogd did not start"
	for _ in $(seq 1 50); do [ -S "$TMP/rs/log" ] && return 0; sleep 0.1; done
	fail "rsyslogd did not create $TMP/rs/log"
}

# free_port [PORT...]: a TCP port on 127.0.0.1 that nothing listens on now, and
# not one of PORT... (for services a test starts on loopback).
free_port() {
	local p
	while :; do
		p=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		[[ " $* " == *" $p "* ]] || break
	done
	echo "$p"
}

# rings_of SIZE: how many of ruletrace's ($RT_PID) descriptors and mappings are
# ring buffers of SIZE bytes (a mapping of one spans a page and the data twice).
rings_of() {
	python3 - "$RT_PID" "$1" <<'PY'
import os, sys
pid, size = sys.argv[1], int(sys.argv[2])
page = os.sysconf("SC_PAGESIZE")
n = 0
for fd in os.listdir(f"/proc/{pid}/fdinfo"):
    try:
        info = dict(l.split(":", 1) for l in open(f"/proc/{pid}/fdinfo/{fd}") if ":" in l)
    except OSError:
        continue
    if info.get("map_type", "").strip() == "27" and info.get("max_entries", "").strip() == str(size):
        n += 1
for l in open(f"/proc/{pid}/maps"):
    f = l.split()
    if "anon_inode:bpf-map" in l:
        lo, hi = (int(x, 16) for x in f[0].split("-"))
        n += hi - lo == page + 2 * size
print(n)
PY
}

# in_cgroup DIR CMD...: run CMD in the cgroup at directory DIR, from its first
# syscall on (a shell moves itself there, then becomes CMD).
in_cgroup() {
	local dir=$1
	shift
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$dir" "$@"
}
