#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs that end by themselves: --duration within a tolerance, --max-events at
# exactly N events written, --interval summaries while running, and the same keys
# in the rule file with the command line winning.
. "$srcdir/lib.sh"
need_root

cat >"$TMP/rules.yaml" <<'YAML'
version: 1
duration: 1h
rules:
  - name: execs
    probe: execve
    filter: { comm: [rt-limit] }
YAML

# --duration 500ms beats the file's 1h; ends within [0.5 s, 3 s), exit 0.
start=$(date +%s%N)
st=0
"$RULETRACE" --duration 500ms "$TMP/rules.yaml" >"$TMP/out" 2>"$TMP/err" || st=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "--duration 500ms exit status" "$st" 0
[ "$ms" -ge 500 ] && [ "$ms" -lt 3000 ] || fail "--duration 500ms took ${ms} ms"
echo "ok: --duration 500ms ended after ${ms} ms"

# --max-events 4 with 10 execs: exactly 4 written, the rest not delivered, exit 0.
"$RULETRACE" --ready-fd 9 --max-events 4 -j "$TMP/s.json" "$TMP/rules.yaml" >"$TMP/out" \
	2>"$TMP/err" 9>"$TMP/ready-max" &
RT_PID=$!
rt_wait_ready "$RT_PID" "$TMP/ready-max"
"$WORKLOAD" --comm rt-limit --exec 10 || fail "workload"
st=0
for _ in $(seq 1 100); do kill -0 "$RT_PID" 2>/dev/null || break; sleep 0.05; done
wait "$RT_PID" || st=$?
RT_PID=
expect_eq "--max-events exit status" "$st" 0
expect_eq "--max-events lines" "$(grep -c ' rt-limit ' "$TMP/out")" 4
python3 - "$TMP/s.json" <<'PY' || fail "--max-events JSON summary"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["max_events"] == 4 and s["rules"][0]["events"] == 4, s
assert s["lost"]["total"] == 0 and s["exit_status"] == 0, s
print("ok: JSON says 4 delivered, nothing lost")
PY

# --interval 300ms: summaries while running, counts growing, not reset.
cat >"$TMP/count.yaml" <<'YAML'
version: 1
interval: 10s
rules:
  - { name: calls, probe: sys_enter, filter: { comm: [rt-interval] } }
YAML
rt_start --interval 300ms "$TMP/count.yaml"
"$WORKLOAD" --comm rt-interval --getppid 1000
sleep 0.8
"$WORKLOAD" --comm rt-interval --getppid 1000
sleep 0.8
rt_stop INT
n=$(grep -c "^--- ruletrace summary ---" "$TMP/out")
[ "$n" -ge 4 ] || fail "--interval 300ms over 1.6 s printed $n summaries"
expect_eq "first interval count" "$(grep -A3 '^rule calls' "$TMP/out" | awk '$1 == "rt-interval" { print $2; exit }')" 1001
expect_eq "final count (not reset)" "$(awk '$1 == "rt-interval" { c = $2 } END { print c }' "$TMP/out")" 2002
echo "ok: --interval printed $n summaries"
