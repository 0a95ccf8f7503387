#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# No rule starves another (issue 13): two processes call getuid as fast as they
# can under a stream rule written to four files, while a third comm makes an
# exact number of execs under an execve rule. Every exec is delivered; the
# flood's losses are its own, and its delivered + lost + unread equals its calls
# exactly. The same through the perf buffer path counts the losses where they fall.
. "$srcdir/lib.sh"
need_root
CALLS=2000000
EXECS=300

cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  f1: { type: json, path: $TMP/f1.jsonl }
  f2: { type: json, path: $TMP/f2.jsonl }
  f3: { type: csv, path: $TMP/f3.csv }
  f4: { type: csv, path: $TMP/f4.csv }
  ex: { type: csv, path: $TMP/exec.csv }
rules:
  - name: flood
    probe: sys_enter
    mode: stream
    filter: { comm: [rt-iso-flood], syscalls: [getuid] }
    outputs: [f1, f2, f3, f4]
  - name: execs
    probe: execve
    filter: { comm: [rt-iso-exec] }
    outputs: [ex]
YAML

rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
"$WORKLOAD" --comm rt-iso-flood --getuid $CALLS &
f1=$!
"$WORKLOAD" --comm rt-iso-flood --getuid $CALLS &
f2=$!
sleep 0.2	# the flood at full rate before the first exec
"$WORKLOAD" --comm rt-iso-exec --exec $EXECS -- /bin/true || fail "exec workload"
wait $f1 || fail "flood 1"
wait $f2 || fail "flood 2"
rt_stop INT

python3 - "$TMP" "$RT_STATUS" $((2 * CALLS)) $EXECS <<'PY' || fail "figures"
import json, sys
tmp, status, calls, execs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = json.load(open(f"{tmp}/s.json"))
r = {x["name"]: x for x in s["rules"]}
x, f = r["execs"], r["flood"]
rows = sum(1 for l in open(f"{tmp}/exec.csv") if ",execs,exec," in l)
assert (x["matched"], x["events"], rows) == (execs, execs, execs), (x, rows)
assert x["lost"] == {"event_buffer": 0, "unread_at_stop": 0, "follow_map_full": 0,
                     "outputs": 0}, x
assert f["matched"] == calls, (f, calls)
assert f["events"] + f["lost_in_kernel"] + f["unread_at_stop"] == calls, f
lost = s["lost"]["total"]
assert lost == f["lost_in_kernel"] + f["unread_at_stop"] + s["lost"]["outputs"], s["lost"]
assert status == (3 if lost else 0), (status, lost)
print(f"ok: {execs}/{execs} execs delivered, none lost, while the flood delivered "
      f"{f['events']} and lost {f['lost_in_kernel']} (+{f['unread_at_stop']} unread) of "
      f"{calls} getuid calls; exit {status}")
PY
grep -q "rule flood: sys_enter, stream" "$TMP/out" || fail "text summary"
