#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A SIGHUP during the stop's delivery. ruletrace(8) SIGNALS: at SIGINT or SIGTERM
# "what is still buffered is delivered for at most 1 s, and the rest is counted
# per rule as unread at stop"; "A second SIGINT or SIGTERM cuts the delivery
# short at once". A SIGHUP is neither, and the stop does not reload; but the
# drain's "interrupted" test (signal_pending) counts a pending reload too, so a
# SIGHUP (logrotate's postrotate "pkill -HUP", a reload the service manager
# sends while stopping) cut the delivery short: everything still buffered was
# counted lost (exit status 3), logged as "still buffered after 1000 ms of
# delivering" though the delivery had run for a few milliseconds.
# Oracle: 300000 events buffered in a 64M ring while ruletrace is stopped
# (SIGSTOP), far less than a second's delivery; SIGINT, then SIGHUPs every 10 ms
# through the stop: all 300000 delivered, none unread, exit status 0.
. "$srcdir/lib.sh"
need_root
N=300000

cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $TMP/j.jsonl }
rules:
  - name: a
    probe: sys_enter
    mode: stream
    filter: { comm: [rt-stop-hup], syscalls: [getuid] }
    buffer_size: 64M
    outputs: [j]
YAML
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
kill -STOP "$RT_PID"
"$WORKLOAD" --comm rt-stop-hup --getuid $N || fail workload
kill -INT "$RT_PID"
kill -CONT "$RT_PID"
while kill -HUP "$RT_PID" 2>/dev/null; do sleep 0.01; done
RT_STATUS=0
wait "$RT_PID" || RT_STATUS=$?
RT_PID=
grep "unread\|reload" "$TMP/err"
grep -qxF "  events: matched $N, delivered $N, suppressed 0, lost 0" "$TMP/out" ||
	{ cat "$TMP/out"; fail "SIGHUPs during the stop cut its delivery short"; }
expect_eq "exit status" "$RT_STATUS" 0
expect_eq "events written" "$(grep -c '"event":"syscall"' "$TMP/j.jsonl")" $N
