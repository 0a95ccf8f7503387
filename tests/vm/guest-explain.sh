#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Inside Debian's kernels (no python here: grep): --explain=json says what this
# kernel offers (kprobes; bpf_loop from 5.17 only), plans execve on the kprobe and
# the build to match, the verifier accepts the object, and nothing is attached.
. "$srcdir/lib.sh"
need_root

cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - name: execs
    probe: execve
    filter: { comm: [rt-vm-exec] }
  - name: sys
    probe: sys_enter
    filter: { syscalls: [getppid] }
YAML
"$RULETRACE" --explain=json "$TMP/rules.yaml" >"$TMP/json" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "--explain=json exited $?"; }
cat "$TMP/json"
[ -s "$TMP/err" ] && { cat "$TMP/err"; fail "--explain=json wrote to standard error"; }
has() {
	grep -qF -- "$1" "$TMP/json" || fail "JSON lacks: $1"
	echo "ok: $1"
}
has '"verified": true,'
has '"error": null,'
has '"probed": true,'
has '"ringbuf": true,'
has '"kprobes": true,'
has '"attach": "kprobe",'
has '"attach_why": "kprobe (ksyscall execve)",'
has '"attach": "raw_tracepoint",'
has '"comm": {"include": ["rt-vm-exec"], "exclude": []}'
has '"syscall": {"include": [{"nr": '
has '"not_probed": []'
IFS=. read -r major minor _ <<<"$(uname -r)"
if [ "$major" -gt 5 ] || { [ "$major" = 5 ] && [ "$minor" -ge 17 ]; }; then
	has '"bpf_loop": true,'
	has '"build": "bpf_loop",'
else
	has '"bpf_loop": false,'
	has '"build": "unrolled",'
fi
# memory_bytes is the sum of the maps' bytes.
sum=$(awk -F'"bytes": ' '/"key_size"/ { split($2, a, "}"); s += a[1] } END { print s }' "$TMP/json")
has "\"memory_bytes\": $sum,"

# Held once loaded: programs loaded, no link among its file descriptors.
RULETRACE_TEST_FAULT=explain-hold "$RULETRACE" --explain "$TMP/rules.yaml" >"$TMP/text" \
	2>"$TMP/err" &
pid=$!
for _ in $(seq 1 600); do
	[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = T ] && break
	sleep 0.1
done
[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = T ] || fail "explain-hold: not held"
progs=$(cat /proc/$pid/fdinfo/* 2>/dev/null | grep -c '^prog_id:')
links=$(cat /proc/$pid/fdinfo/* 2>/dev/null | grep -c '^link_id:')
kill -CONT "$pid"
st=0
wait "$pid" || st=$?
[ "$progs" -gt 0 ] || fail "held: no program loaded"
expect_eq "held: link fds" "$links" 0
expect_eq "text: exit status" "$st" 0
grep -q "^verified: *yes (" "$TMP/text" || { cat "$TMP/text" "$TMP/err"; fail "text: verified"; }

# An old syscall this architecture dropped is named with the one it has instead;
# on x86-64, which has both, the rule is fine.
cat >"$TMP/open.yaml" <<YAML
version: 1
rules:
  - { name: o, probe: sys_enter, mode: count, filter: { syscalls: [openat, open] } }
YAML
st=0
"$RULETRACE" --check "$TMP/open.yaml" >"$TMP/out" 2>"$TMP/err" || st=$?
cat "$TMP/err"
case $(uname -m) in
aarch64)
	expect_eq "--check open on arm64: exit status" "$st" 2
	grep -qF "$TMP/open.yaml:3:76: no syscall 'open' on aarch64, which has openat instead" \
		"$TMP/err" || fail "--check open on arm64: the error"
	;;
*)
	expect_eq "--check open: exit status" "$st" 0
	;;
esac
echo "ok: explain in the guest"
