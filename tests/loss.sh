#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A tiny ring buffer flooded: events are lost, every one of them is counted (kernel
# matched = delivered + lost, and = the workload's own count), exit status 3;
# --allow-loss makes it 0.
. "$srcdir/lib.sh"
need_root

cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - { name: flood, probe: sys_enter, mode: stream, filter: { comm: [rt-flood] },
      outputs: [file] }
outputs:
  file: { type: json, path: $TMP/flood.json }
YAML
for allow in "" --allow-loss; do
	rt_start --buffer-size 4K -j "$TMP/s.json" $allow "$TMP/rules.yaml"
	"$WORKLOAD" --comm rt-flood --getppid 200000
	sleep 0.3
	rt_stop INT
	want=3
	[ -n "$allow" ] && want=0
	expect_eq "exit status ${allow:-without --allow-loss}" "$RT_STATUS" "$want"
	python3 - "$TMP/s.json" <<'PY' || fail "loss accounting"
import json, sys
s = json.load(open(sys.argv[1]))
r = s["rules"][0]
assert r["lost_in_kernel"] > 0, r
assert r["matched"] == 200001, r                        # the workload's own count
assert r["events"] + r["lost_in_kernel"] == r["matched"], r
assert s["lost"]["event_buffer"] == r["lost_in_kernel"] == s["lost"]["total"], s["lost"]
print(f"ok: {r['events']} delivered + {r['lost_in_kernel']} lost = {r['matched']}")
PY
done
grep -qE "^events lost: [1-9]" "$TMP/out" || fail "text summary does not show the loss"
