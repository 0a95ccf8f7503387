#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A syslog daemon that stops reading for a while loses nothing: a Unix datagram
# socket holds only 10 unread messages (net.unix.max_dgram_qlen outside
# systemd's hosts and in every new network namespace), so the output keeps the
# rest in its buffer, one record a message, and sends them as the socket takes
# them. The oracle: the workload's exact 3000 getppid calls, made while rsyslogd
# is stopped (SIGSTOP) and for a while after it runs again; its file must hold
# 3000 event messages, each pid/tid once per call (all one process: counted),
# then the summary message, and the run loses nothing (exit 0). A daemon that
# never reads again is the other case (reload-output-lost-by-rule.sh): past the
# buffer's 4 MiB, dropped and counted.
. "$srcdir/lib.sh"
need_root
start_rsyslog '%msg%\n'
cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  s: { type: syslog, socket: $TMP/rs/log }
rules:
  - name: burst
    probe: sys_enter
    mode: stream
    filter: { comm: [rt-burst], syscalls: [getppid] }
    outputs: [s]
YAML
rt_start "$TMP/rules.yaml"
kill -STOP "$(cat "$TMP/rs/pid")"
"$WORKLOAD" --comm rt-burst --getppid 3000 --spread 600 &
wl=$!
sleep 0.4
kill -CONT "$(cat "$TMP/rs/pid")"
wait "$wl" || fail "workload"
sleep 0.3
rt_stop INT
cat "$TMP/err"
expect_eq "exit status" "$RT_STATUS" 0
grep -q "not keeping up" "$TMP/err" && fail "the output dropped messages"
for _ in $(seq 1 50); do
	grep -q "event=summary" "$TMP/rs/messages" 2>/dev/null && break
	sleep 0.1
done
expect_eq "event messages in the daemon's file" \
	"$(grep -c 'rule="burst" event=syscall .* syscall=getppid$' "$TMP/rs/messages")" 3000
expect_eq "summary messages" "$(grep -c 'rule="burst" event=summary ' "$TMP/rs/messages")" 1
grep -q 'rule="burst" event=summary .* delivered=3000 lost=0 matched=3000 ' "$TMP/rs/messages" ||
	{ grep summary "$TMP/rs/messages"; fail "the summary message's figures"; }
grep -qxF "output s: 3000 events written" "$TMP/out" || { cat "$TMP/out"; fail "summary: written"; }
echo "ok: 3000 messages through a stopped daemon, none dropped"
