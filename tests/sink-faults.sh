#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Failing destinations: at start a clear error and exit 2 before anything attaches;
# while running, reported once on stderr, lost events counted in the summary, the
# other sinks complete, exit 1. SIGPIPE does not kill ruletrace.
. "$srcdir/lib.sh"
need_root

rules() {	# rules OUTPUT-LINE: an exec rule for comm rt-fault to that output and a CSV
	bad_good_rules "$TMP/rules.yaml" rt-fault "$1"
}

good_rows() { python3 -c 'import csv,sys; print(sum(1 for r in csv.DictReader(open(sys.argv[1])) if r["event"] == "exec"))' "$TMP/good.csv"; }

# --- at start: exit 2, a message naming the output, its place and the path, nothing attached ---
start_fails() {	# start_fails WHAT OUTPUT-LINE EXPECTED-MESSAGE
	rules "$2"
	st=0
	"$RULETRACE" --ready-fd 9 "$TMP/rules.yaml" >"$TMP/out" 2>"$TMP/err" 9>"$TMP/ready" ||
		st=$?
	expect_eq "$1: exit status" "$st" 2
	grep -qF -- "$3" "$TMP/err" || { cat "$TMP/err"; fail "$1: message"; }
	[ -s "$TMP/ready" ] && fail "$1: attached anyway"
	echo "ok: $1"
}
start_fails "missing directory" "{ type: csv, path: $TMP/no/such/dir/x.csv }" \
	"ruletrace: $TMP/rules.yaml:3:3: output 'bad': open $TMP/no/such/dir/x.csv: No such file or directory"
ln -s "$TMP/target.csv" "$TMP/link.csv"
start_fails "symlink" "{ type: csv, path: $TMP/link.csv }" \
	"ruletrace: $TMP/rules.yaml:3:3: output 'bad': open $TMP/link.csv: is a symbolic link (refused)"
[ -e "$TMP/target.csv" ] && fail "symlink target was created"
start_fails "absent syslog socket" "{ type: syslog, socket: $TMP/no-such-socket }" \
	"ruletrace: $TMP/rules.yaml:3:3: output 'bad': connect to syslog socket $TMP/no-such-socket: No such file or directory (is a syslog daemon running?)"

# --- while running ---
run_fails() {	# run_fails WHAT [ACTION-AFTER-ATTACH]: 4 execs, then stop
	rt_start "$TMP/rules.yaml"
	${2:-true}
	"$WORKLOAD" --comm rt-fault --exec 4 || fail "$1: workload"
	sleep 0.3
	rt_stop INT
	cat "$TMP/err"
	expect_eq "$1: exit status" "$RT_STATUS" 1
	expect_eq "$1: failure reported once" "$(grep -c "output 'bad'" "$TMP/err")" 1
	expect_eq "$1: other sink complete" "$(good_rows)" 4
	grep -q "^output bad: 0 events written, failed: .*, 4 events lost$" "$TMP/out" ||
		fail "$1: summary does not count the lost events"
	grep -q "^events lost: 4$" "$TMP/out" || fail "$1: total lost"
	echo "ok: $1"
}
# A full file system (outputs are regular files, so not /dev/full): a 4 KiB tmpfs.
mkdir "$TMP/full"
mount -t tmpfs -o size=4k tmpfs "$TMP/full" || skip "cannot mount a tmpfs"
umount_full() { umount "$TMP/full" 2>/dev/null; cleanup; }
trap umount_full EXIT
dd if=/dev/zero of="$TMP/full/filler" bs=4k count=2 2>/dev/null
rules "{ type: csv, path: $TMP/full/x.csv }"
run_fails "disk full (tmpfs)"
grep -q "output 'bad' (csv): No space left on device" "$TMP/err" || fail "ENOSPC message"

# A syslog daemon that goes away mid-run.
start_rsyslog
rules "{ type: syslog, socket: $TMP/rs/log }"
kill_syslog() { kill "$(cat "$TMP/rs/pid")"; sleep 0.5; rm -f "$TMP/rs/log"; }
run_fails "syslog daemon gone" kill_syslog

# stdout closed early by | head: SIGPIPE ignored, stdout counted as failed.
rules "{ type: stdout }"
mkfifo "$TMP/pipe"
head -c 1 <"$TMP/pipe" >/dev/null &
hpid=$!
"$RULETRACE" --ready-fd 9 "$TMP/rules.yaml" 2>"$TMP/err" >"$TMP/pipe" 9>"$TMP/ready-pipe" &
RT_PID=$!
rt_wait_ready "$RT_PID" "$TMP/ready-pipe"
"$WORKLOAD" --comm rt-fault --exec 1 || fail "closed stdout: workload"
wait "$hpid"	# head has read its byte and closed the pipe
"$WORKLOAD" --comm rt-fault --exec 4 || fail "closed stdout: workload"
sleep 0.3
kill -0 "$RT_PID" || fail "ruletrace died (SIGPIPE?)"
rt_stop INT
cat "$TMP/err"
expect_eq "closed stdout: exit status" "$RT_STATUS" 1
expect_eq "closed stdout: failure reported once" "$(grep -c "output 'bad'" "$TMP/err")" 1
grep -q "output 'bad' (stdout): Broken pipe" "$TMP/err" || fail "EPIPE message"
expect_eq "closed stdout: other sink complete" "$(good_rows)" 5
echo "ok: closed stdout"
