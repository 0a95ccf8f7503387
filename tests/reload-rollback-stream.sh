#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A reload whose kernel apply fails (RULETRACE_TEST_FAULT=reload-apply, the
# last step before the switch) is rolled back and leaves the running rules
# exactly as they were: every event of a running stream rule delivered or
# counted as lost, and nothing lost. The reload renames the stream rule (a new
# rule on a new slot), five times under a steady stream.
# Oracle: N getppid calls spread over 3 s, and a count rule kept by name.
. "$srcdir/lib.sh"
need_root
N=3000000
rules() {	# rules STREAM-RULE-NAME
	cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $TMP/j.jsonl }
rules:
  - { name: $1, probe: sys_enter, mode: stream, filter: { comm: [rt-at-rb], syscalls: [getppid] }, outputs: [j] }
  - { name: cnt, probe: sys_enter, filter: { comm: [rt-at-rb], syscalls: [getppid] } }
YAML
}
rules s1
RULETRACE_TEST_FAULT=reload-apply rt_start --buffer-size 512M -j "$TMP/s.json" "$TMP/rules.yaml"
env ASAN_OPTIONS=detect_leaks=0 "$WORKLOAD" --comm rt-at-rb --getppid $N --spread 3000 &
wl=$!
sleep 0.3
rules s2
for i in 1 2 3 4 5; do
	kill -HUP "$RT_PID"
	logged "reload failed: the running rules stay" $i || fail "no failed reload $i"
	sleep 0.2
done
wait $wl || fail workload
rt_stop INT
python3 - "$TMP" "$N" "$RT_STATUS" <<'PY' || fail "events of the running rule went missing in a rolled-back reload"
import json, sys
tmp, n, status = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = json.load(open(f"{tmp}/s.json"))
r = {x["name"]: x for x in s["rules"]}
s1, cnt = r["s1"], r["cnt"]["counts"][0]["count"]
lines = sum(1 for l in open(f"{tmp}/j.jsonl") if json.loads(l).get("event") == "syscall")
accounted = s1["events"] + s1["lost_in_kernel"] + s1["unread_at_stop"]
print(f"oracle {n}, count rule {cnt}; s1 matched {s1['matched']} delivered {s1['events']} "
      f"lines {lines}; lost {s['lost']['total']}; exit {status}")
assert cnt == n, f"count rule {cnt} of {n}"
assert lines == s1["events"], f"{lines} lines, {s1['events']} delivered"
assert s1["matched"] == n and accounted == n, \
    f"s1: matched {s1['matched']}, accounted {accounted} of {n}: {n - accounted} events neither delivered nor counted lost (exit {status})"
print("ok: rolled-back reloads lost nothing silently")
PY
