#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A JSON lines output on a 64 KiB tmpfs that fills: the run fails (exit 1), the
# file holds only whole lines (the one cut by ENOSPC is removed), and "written"
# is exactly the number of lines in it; written + lost is every delivered event.
. "$srcdir/lib.sh"
need_root
command -v jq >/dev/null || skip "jq not installed"

mkdir -p "$TMP/full"
mount -t tmpfs -o size=64k tmpfs "$TMP/full" || skip "cannot mount a tmpfs"
trap 'umount "$TMP/full" 2>/dev/null; cleanup' EXIT
for fmt in json csv; do
	cat >"$TMP/full.yaml" <<YAML
version: 1
outputs:
  f: { type: $fmt, path: $TMP/full/events.$fmt }
rules:
  - name: flood
    probe: sys_enter
    mode: stream
    filter: { comm: [rtfull], syscalls: [getppid] }
    outputs: [f]
YAML
	rm -f "$TMP/full/"*
	rt_start -j "$TMP/sum.json" "$TMP/full.yaml"
	"$WORKLOAD" --comm rtfull --getppid 20000
	rt_stop INT
	expect_eq "$fmt: exit status when the disk fills" "$RT_STATUS" 1
	f="$TMP/full/events.$fmt"
	[ -s "$f" ] || fail "$fmt: nothing written before the disk filled"
	expect_eq "$fmt: file ends with a whole line" "$(tail -c1 "$f" | od -An -c | tr -d ' ')" '\n'
	written=$(jq '.outputs[] | select(.name == "f") | .written' "$TMP/sum.json")
	if [ "$fmt" = json ]; then
		rows=$(wc -l <"$f")
		jq -c . "$f" >/dev/null || fail "json: a line does not parse"
	else
		rows=$(($(wc -l <"$f") - 1))	# the header
		awk -F, 'NR == 1 { n = NF } NR > 1 && NF != n { bad = 1 } END { exit bad }' "$f" ||
			fail "csv: a row does not have the header's fields"
	fi
	expect_eq "$fmt: written = records in the file" "$written" "$rows"
	expect_eq "$fmt: written + lost = delivered" \
		"$(jq '.outputs[] | select(.name == "f") | .written + .lost' "$TMP/sum.json")" \
		"$(jq '.rules[0].events' "$TMP/sum.json")"
	expect_eq "$fmt: delivered" "$(jq '.rules[0].events + .rules[0].lost_in_kernel' "$TMP/sum.json")" 20000
	grep -q "No space left on device" "$TMP/err" || fail "$fmt: no ENOSPC message"
done
