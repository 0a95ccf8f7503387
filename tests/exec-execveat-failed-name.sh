#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# ruletrace(8): with execveat(2) "a file name relative to a directory descriptor,
# or the descriptor itself, is named as the kernel names it, through /dev/fd". A
# successful execveat is (/dev/fd/3/true). A failed one must be too: shown as the
# bare relative name it is indistinguishable from an execve of that name in the
# caller's working directory, and an empty name (AT_EMPTY_PATH) shows as "".
# Oracle: tests/exec_attack, and the kernel's own naming (fs/exec.c, alloc_bprm):
#   execveat-fail-rel    execveat(7, "rt-nosuch", ...), 7 = /bin: ENOENT,
#                        named /dev/fd/7/rt-nosuch
#   execveat-fail-empty  execveat(8, "", ..., AT_EMPTY_PATH), 8 = /etc/passwd:
#                        EACCES, named /dev/fd/8
. "$srcdir/lib.sh"
need_root
need_exec_attack

cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $TMP/ev.jsonl }
rules:
  - name: failed
    probe: execve
    filter: { comm: [rt-eatfail], result: failure }
    outputs: [j, stdout]
YAML
rt_start "$TMP/rules.yaml"
"$EXEC_ATTACK" rt-eatfail execveat-fail-rel >"$TMP/oracle" || fail "exec_attack"
"$EXEC_ATTACK" rt-eatfail execveat-fail-empty >>"$TMP/oracle" || fail "exec_attack"
sleep 0.3
rt_stop INT
cat "$TMP/oracle" "$TMP/out"
bad=0
while read -r mode pid status; do
	case $mode in
	execveat-fail-rel) want=ENOENT:/dev/fd/7/rt-nosuch; expect_eq "$mode: ENOENT" "$status" 2 ;;
	execveat-fail-empty) want=EACCES:/dev/fd/8; expect_eq "$mode: EACCES" "$status" 13 ;;
	esac
	got=$(python3 -c '
import json, sys
print(" ".join("%s:%s" % (o["result"], o["filename"]) for o in map(json.loads, open(sys.argv[1]))
               if o.get("event") == "exec" and o["pid"] == int(sys.argv[2])))' "$TMP/ev.jsonl" "$pid")
	if [ "$got" = "$want" ]; then
		echo "ok: $mode: $got"
	else
		echo "FAIL: $mode: reported '$got', want '$want'" >&2
		bad=$((bad + 1))
	fi
done <"$TMP/oracle"
[ "$bad" = 0 ] || fail "failed execveat file names not named as the kernel names them"
