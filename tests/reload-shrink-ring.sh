#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Shrinking a rule's buffer_size gives the memory back. ruletrace(8) EVENT
# BUFFERS: "a ring of size bytes costs size bytes of kernel memory, locked", and
# "A rule whose buffer_size a reload changes gets a new ring"; --explain lists
# each rule's ring and their total as what the run costs. But the old ring is
# kept: the replaced rule's old slot keeps its ring (in rt_rings, open and
# mapped) until some later rule takes that slot with another size, which may be
# never. An operator who takes a rule from 512M to 1M to give memory back gets
# none back; one who alternates sizes holds a ring on every slot so used.
# Oracle: rule 'a' at 64M, nothing traced (so nothing owed from its old ring);
# a reload to 64K; then ruletrace holds no 64M ring (neither a map descriptor, in
# /proc/PID/fdinfo, nor its mapping, in /proc/PID/maps), only what --explain says.
. "$srcdir/lib.sh"
need_root
SIZE=$((64 * 1024 * 1024))

rules() {	# rules BUFFER_SIZE
	printf 'version: 1\nrules:\n  - { name: a, probe: sys_enter, mode: stream, filter: { comm: [rt-shrink] }, buffer_size: %s }\n' "$1" >"$TMP/rules.yaml"
}


rules 64M
rt_start "$TMP/rules.yaml"
[ "$(rings_of $SIZE)" -gt 0 ] || fail "the 64M ring is not seen at start"
rules 64K
hup "reloaded"
sleep 0.2
held=$(rings_of $SIZE)
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
expect_eq "64M rings (descriptors and mappings) held after shrinking to 64K" "$held" 0
