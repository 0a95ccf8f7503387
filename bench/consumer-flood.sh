#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# bench/consumer-flood.sh BUILDDIR [BASE_BINARY] [ROUNDS]: the consumer's delivered
# rate when the kernel produces faster than it can deliver. Two processes call
# getppid as fast as they can (3,000,000 each) under one JSON-lines stream rule
# written to a file; the figure is events delivered per second of the flood.
# With BASE_BINARY, that ruletrace runs in the same rounds, alternating, so the two
# rows compare on the same machine at the same time. Prints figures, asserts nothing.
set -euo pipefail
build=$(cd "$1" && pwd)
base=${2:-}
rounds=${3:-3}
calls=3000000
tmp=$(mktemp -d /tmp/rt-consumer.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $tmp/events.jsonl }
rules:
  - name: flood
    probe: sys_enter
    mode: stream
    filter: { comm: [rt-consumer], syscalls: [getppid] }
    outputs: [j]
YAML
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, kernel $(uname -r)"
echo "two floods of $calls getppid calls each, one JSON-lines stream rule to a file"
for round in $(seq 1 "$rounds"); do
	for bin in "$build/ruletrace" ${base:+"$base"}; do
		rm -f "$tmp/events.jsonl" "$tmp/s.json" "$tmp/ready"
		"$bin" --allow-loss --ready-fd 9 -j "$tmp/s.json" "$tmp/rules.yaml" \
			>/dev/null 2>&1 9>"$tmp/ready" &
		pid=$!
		for _ in $(seq 1 200); do grep -q READY "$tmp/ready" 2>/dev/null && break; sleep 0.05; done
		start=$(date +%s%N)
		"$build/tests/workload" --comm rt-consumer --getppid $calls &
		a=$!
		"$build/tests/workload" --comm rt-consumer --getppid $calls &
		b=$!
		wait $a $b
		end=$(date +%s%N)
		sleep 0.3
		kill -INT $pid
		wait $pid || true
		python3 - "$tmp/s.json" "$bin" "$round" "$start" "$end" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["rules"][0]
secs = (int(sys.argv[5]) - int(sys.argv[4])) / 1e9
print(f"round {sys.argv[3]}  {sys.argv[2]:<40} delivered {r['events']:>8} lost "
      f"{r['lost_in_kernel']:>8} in {secs:.2f} s: {r['events'] / secs / 1e6:.3f} M/s")
PY
	done
done
