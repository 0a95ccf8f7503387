#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Exit statuses where an expectation meets other failures. A --summary-json file
# on a full file system (a 64 KiB tmpfs) is a runtime failure: exit 1 over a
# failed expectation's 4 and a loss's 3, as it is over 0.
. "$srcdir/lib.sh"
need_root

mkdir "$TMP/full"
mount -t tmpfs -o size=64k tmpfs "$TMP/full" || skip "cannot mount a tmpfs"
trap 'umount "$TMP/full" 2>/dev/null; cleanup' EXIT

# json_full EXPECT STATUS: getppid counted 7 times, expecting EXPECT, with the
# summary's file on the full tmpfs: exit STATUS, the failed write said.
json_full() {
	cat >"$TMP/r.yaml" <<YAML
version: 1
rules:
  - name: calls
    probe: sys_enter
    filter: { comm: [rt-exp-atk], syscalls: [getppid] }
    expect: { counted: $1 }
YAML
	rm -f "$TMP/full/filler"
	: >"$TMP/full/s.json"
	rt_start -j "$TMP/full/s.json" "$TMP/r.yaml"
	dd if=/dev/zero of="$TMP/full/filler" bs=4k count=100 2>/dev/null
	"$WORKLOAD" --comm rt-exp-atk --getppid 7 || fail "workload"
	rt_stop INT
	expect_eq "summary JSON on a full disk, expect $1: exit status" "$RT_STATUS" "$2"
	grep -qx "ruletrace: --summary-json $TMP/full/s.json: No space left on device" \
		"$TMP/err" || { cat "$TMP/err"; fail "expect $1: the failed write is not said"; }
	grep -qx "expect calls: counted 7, wanted $1: $3" "$TMP/out" ||
		{ cat "$TMP/out"; fail "expect $1: the verdict is not said"; }
}
json_full 7 1 met
json_full 5 1 failed
