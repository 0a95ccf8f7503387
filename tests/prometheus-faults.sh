#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A prometheus output's path refused at start (exit 2, FILE:LINE:COL, nothing
# attached, nothing made in the directory): a directory, a FIFO, a device, a
# symbolic link, a missing directory, the same file as another output or as the
# rule file. While running, a write that fails (a full file system) is said once,
# counted, leaves no temporary file and is tried again at the next interval,
# until one succeeds; a last write at exit that fails makes the exit status 1.
. "$srcdir/lib.sh"
need_root

rules=$TMP/rules.yaml
outputs() {	# outputs OUTPUT-LINES...: rule file with these outputs, a rule to 'bad'
	{
		echo "version: 1"
		echo "outputs:"
		printf '  %s\n' "$@"
		echo "rules:"
		echo "  - { name: c, probe: sys_enter, filter: { comm: [rt-prom-fault] }, outputs: [bad] }"
	} >"$rules"
}

start_fails() {	# start_fails WHAT EXPECTED-MESSAGE OUTPUT-LINES...
	local what=$1 want=$2 st=0
	shift 2
	outputs "$@"
	"$RULETRACE" --ready-fd 9 "$rules" >"$TMP/out" 2>"$TMP/err" 9>"$TMP/ready" || st=$?
	expect_eq "$what: exit status" "$st" 2
	grep -qF -- "$want" "$TMP/err" || { cat "$TMP/err"; fail "$what: message"; }
	[ -s "$TMP/ready" ] && fail "$what: attached anyway"
	echo "ok: $what refused"
}

mkdir "$TMP/d" "$TMP/d/sub"
mkfifo "$TMP/d/fifo"
ln -s "$TMP/d/target.prom" "$TMP/d/link.prom"
start_fails "a directory" "ruletrace: $rules:3:3: output 'bad': open $TMP/d/sub: is a directory, not a regular file" \
	"bad: { type: prometheus, path: $TMP/d/sub }"
start_fails "a FIFO" "ruletrace: $rules:3:3: output 'bad': open $TMP/d/fifo: is a FIFO, not a regular file" \
	"bad: { type: prometheus, path: $TMP/d/fifo }"
start_fails "a device" "ruletrace: $rules:3:3: output 'bad': open /dev/null: is a character device, not a regular file" \
	"bad: { type: prometheus, path: /dev/null }"
start_fails "a symbolic link" "ruletrace: $rules:3:3: output 'bad': open $TMP/d/link.prom: is a symbolic link (refused)" \
	"bad: { type: prometheus, path: $TMP/d/link.prom }"
start_fails "a missing directory" "ruletrace: $rules:3:3: output 'bad': open $TMP/d/none/r.prom: No such file or directory" \
	"bad: { type: prometheus, path: $TMP/d/none/r.prom }"
# The same file twice, though not made yet; under another name; as a CSV's; as the rule file.
start_fails "the same path twice" "ruletrace: $rules:4:3: output 'bad' is the same file as output 'a': refused" \
	"a: { type: prometheus, path: $TMP/d/r.prom }" "bad: { type: prometheus, path: $TMP/d/./r.prom }"
start_fails "a CSV's path" "ruletrace: $rules:4:3: output 'bad' is the same file as output 'a': refused" \
	"a: { type: csv, path: $TMP/d/r.prom }" "bad: { type: prometheus, path: $TMP/d/sub/../r.prom }"
rm -f "$TMP/d/r.prom"
start_fails "the rule file" "ruletrace: $rules:3:3: output 'bad' is the same file as the rule file: refused" \
	"bad: { type: prometheus, path: $rules }"
expect_eq "made in the directory" "$(ls -A "$TMP/d")" "$(printf 'fifo\nlink.prom\nsub')"
[ -e "$TMP/d/target.prom" ] && fail "the link's target was made"

# --- while running: a full file system (tmpfs), then room again ---
mkdir "$TMP/full"
mount -t tmpfs -o size=64k tmpfs "$TMP/full" || skip "cannot mount a tmpfs"
eval "lib_$(declare -f cleanup)"
cleanup() { umount "$TMP/full" 2>/dev/null; lib_cleanup; }
fill() { dd if=/dev/zero of="$TMP/full/filler" bs=4k 2>/dev/null; sync; }
prom=$TMP/full/r.prom
outputs "bad: { type: prometheus, path: $prom, interval: 200ms }"
fill
rt_start -j "$TMP/sum.json" "$rules"
logged "output 'bad' (prometheus): write $prom: No space left on device; counted, and tried again every interval" 1 ||
	{ cat "$TMP/err"; fail "full: no message"; }
sleep 1	# a few more intervals, failing
# A write under way has its file for a moment: one left behind stays (and more come).
for _ in $(seq 1 20); do [ "$(ls -A "$TMP/full")" = filler ] && break; sleep 0.03; done
expect_eq "full: files left" "$(ls -A "$TMP/full")" filler
rm "$TMP/full/filler"
logged "output 'bad' (prometheus): written again, after [0-9]* failed writes" 1 ||
	{ cat "$TMP/err"; fail "room again: not written again"; }
[ -s "$prom" ] || fail "room again: no file"
rt_stop INT
expect_eq "full, then room: exit status" "$RT_STATUS" 0
expect_eq "full: said once" "$(grep -c 'No space left on device' "$TMP/err")" 1
failed=$(jq '.outputs[] | select(.name == "bad") | .failed_writes' "$TMP/sum.json")
[ "$failed" -ge 3 ] || fail "full: $failed failed writes counted, want at least 3 (1 s at 200 ms)"
grep -qxF "ruletrace_prometheus_write_failures_total{output=\"bad\"} $failed" "$prom" ||
	{ grep failures "$prom"; fail "the file does not count the $failed failed writes"; }
grep -q "^output bad: file written [0-9]* times, $failed writes failed$" "$TMP/out" ||
	{ cat "$TMP/out"; fail "text summary"; }
expect_eq "full, then room: files left" "$(ls -A "$TMP/full")" r.prom
echo "ok: a full file system: said once, $failed failed writes counted, written again"

# The last write fails: exit 1, and the reason.
rt_start -j "$TMP/sum.json" "$rules"
sleep 0.5
fill
rt_stop TERM
expect_eq "last write failed: exit status" "$RT_STATUS" 1
grep -qF "output 'bad' (prometheus): write $prom: No space left on device; the last figures are not written" "$TMP/err" ||
	{ cat "$TMP/err"; fail "last write failed: message"; }
expect_eq "last write failed: error" \
	"$(jq -r '.outputs[] | select(.name == "bad") | .error' "$TMP/sum.json")" "No space left on device"
expect_eq "last write failed: files left" "$(ls -A "$TMP/full" | sort)" "$(printf 'filler\nr.prom')"
echo "ok: a last write that fails: exit 1, nothing left behind"
