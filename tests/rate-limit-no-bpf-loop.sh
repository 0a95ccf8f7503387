#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A rate_limit where the programs are built without bpf_loop (before 5.17, or
# RULETRACE_NO_BPF_LOOP=1) is refused at start, "FILE:LINE:COLUMN: rule ...:
# rate_limit needs the programs built with bpf_loop", nothing loaded: a rule file
# this kernel cannot run, exit status 2 (ruletrace(8) EXIT STATUS: "a rule file
# that does not validate, ... or an attach mode this kernel lacks"), and the same
# for --explain ("2 for a rule file a run would refuse, with the same
# file:line:column errors, and nothing printed on standard output").
# The status came out 1 or 2 depending on whether some other rule of the file
# names an execve attach mode: plan.c returned -ENOTSUP, which main.c reads as
# "no way to attach the execve probe" (exit 1) unless attach is explicit.
. "$srcdir/lib.sh"
need_root

cat >"$TMP/plain.yaml" <<YAML
version: 1
rules:
  - name: limited
    probe: sys_enter
    mode: stream
    filter: { comm: [rt-nbl], syscalls: [getuid] }
    rate_limit: { events: 1, per: 1s }
YAML
cp "$TMP/plain.yaml" "$TMP/attach.yaml"
cat >>"$TMP/attach.yaml" <<YAML
  - name: execs
    probe: execve
    attach: tracepoint
    filter: { comm: [rt-nbl] }
YAML

for f in plain attach; do
	st=0
	RULETRACE_NO_BPF_LOOP=1 "$RULETRACE" -d 1s "$TMP/$f.yaml" >"$TMP/out" 2>"$TMP/err" || st=$?
	grep -q "^ruletrace: $TMP/$f.yaml:3:5: rule 'limited': rate_limit needs the programs built with bpf_loop" "$TMP/err" ||
		{ cat "$TMP/err"; fail "$f: no FILE:LINE:COLUMN error"; }
	expect_eq "$f.yaml, RULETRACE_NO_BPF_LOOP=1: exit status" "$st" 2
	st=0
	RULETRACE_NO_BPF_LOOP=1 "$RULETRACE" --explain "$TMP/$f.yaml" >"$TMP/out" 2>"$TMP/err" || st=$?
	expect_eq "$f.yaml, RULETRACE_NO_BPF_LOOP=1, --explain: exit status" "$st" 2
	[ -s "$TMP/out" ] && { cat "$TMP/out"; fail "$f: --explain printed a plan for a file it refuses"; }
	echo "ok: $f.yaml refused alike"
done
