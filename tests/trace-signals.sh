#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Ways a run ends: --duration, SIGTERM, SIGINT; each detaches, prints the summary,
# exits 0 and leaves no BPF program behind. The built-in default rules run.
. "$srcdir/lib.sh"
need_root
command -v bpftool >/dev/null || skip "bpftool not installed"

# ids_of PID: ids of the BPF programs that process holds, from its fds' fdinfo.
ids_of() {
	grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -un |
		tr '\n' ' '
}
# gone IDS...: every one of those programs has been freed (within 2 s: RCU).
gone() {
	local id
	for _ in $(seq 1 40); do
		for id in "$@"; do bpftool prog show id "$id" >/dev/null 2>&1 && break; done
		bpftool prog show id "$id" >/dev/null 2>&1 || return 0
		sleep 0.05
	done
	return 1
}

start=$(date +%s%N)
st=0
"$RULETRACE" --duration 1s >"$TMP/out" 2>"$TMP/err" || st=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
cat "$TMP/err"
expect_eq "--duration exit status" "$st" 0
[ "$ms" -ge 1000 ] && [ "$ms" -lt 5000 ] || fail "--duration 1s took ${ms} ms"
grep -q "^--- ruletrace summary ---" "$TMP/out" || fail "no summary after --duration"
grep -q "^rule syscalls: sys_enter, count, raw_tracepoint" "$TMP/out" || fail "default rules summary"
grep -q "^ruletrace: execve: " "$TMP/err" || fail "no execve attach line"
echo "ok: --duration 1s ended after ${ms} ms"

for sig in TERM INT; do
	rt_start
	ids=$(ids_of "$RT_PID")
	[ "$(echo "$ids" | wc -w)" -ge 2 ] || fail "want programs loaded while running, got '$ids'"
	rt_stop "$sig"
	expect_eq "SIG$sig exit status" "$RT_STATUS" 0
	grep -q "^--- ruletrace summary ---" "$TMP/out" || fail "no summary after SIG$sig"
	# shellcheck disable=SC2086
	gone $ids || fail "programs $ids still loaded after SIG$sig"
	echo "ok: programs $ids gone after SIG$sig"
done
