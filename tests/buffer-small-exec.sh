#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# --buffer-size takes 4K, and ruletrace-rules(5) says of exec events: "no exec
# event is larger than half the event buffer ..., so that it always fits"; with
# 4K, --explain says the arguments are "cut to 0: half the 4096-byte ring buffer
# less an exec event's longest filename, so that it always fits". But an exec
# event's fixed part and a file name of 4000 bytes or so are already more than
# 4096 bytes: such an exec can never be delivered, however idle the buffer; it is
# counted lost, every time. A mature tool keeps its word: either the exec is
# delivered (its file name cut to fit, and said so), or a buffer that cannot hold
# an exec event is refused at start (exit status 2) for a rule file with execve
# rules. Oracle: one exec of a 4090-byte path (a symbolic link to /bin/true at the
# end of nested directories), on an otherwise idle buffer.
. "$srcdir/lib.sh"
need_root

d=$TMP/p
while [ ${#d} -lt 3800 ]; do d=$d/$(printf 'd%.0s' $(seq 1 200)); done
mkdir -p "$d" || fail "mkdir"
exe=$d/$(printf 't%.0s' $(seq 1 $((4090 - ${#d} - 1))))
ln -s /bin/true "$exe" || fail "symlink"
expect_eq "path length" "${#exe}" 4090

cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - name: longpath
    probe: execve
    filter: { comm: [rt-longpath] }
YAML
for ring in "" --perf-buffer; do
	"$RULETRACE" --ready-fd 9 --buffer-size 4K $ring "$TMP/rules.yaml" >"$TMP/out" 2>"$TMP/err" 9>"$TMP/ready" &
	RT_PID=$!
	for _ in $(seq 1 200); do
		grep -q '^READY=1' "$TMP/ready" && break
		kill -0 "$RT_PID" 2>/dev/null || break
		sleep 0.05
	done
	if ! grep -q '^READY=1' "$TMP/ready"; then
		RT_STATUS=0
		wait "$RT_PID" || RT_STATUS=$?
		RT_PID=
		cat "$TMP/err"
		expect_eq "--buffer-size 4K $ring refused: exit status" "$RT_STATUS" 2
		continue
	fi
	"$WORKLOAD" --comm rt-longpath --exec 1 -- "$exe" arg || fail "workload"
	sleep 0.3
	rt_stop INT
	cut -c1-120 "$TMP/out"
	grep -q 'events: matched 1, delivered 1, suppressed 0, lost 0' "$TMP/out" ||
		fail "--buffer-size 4K $ring: the exec of a 4090-byte path, on an idle buffer, was not delivered: $(grep 'events:' "$TMP/out")"
	echo "ok: --buffer-size 4K $ring: delivered"
done
