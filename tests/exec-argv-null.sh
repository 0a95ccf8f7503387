#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# execve(path, NULL, NULL) is allowed by Linux: no arguments at all. When such an
# exec fails, ruletrace reads the caller's argv to show what it passed: a NULL argv
# is an empty list, argc 0, and was read fine; it is not "[argv unreadable]"
# (argv_unread: true), which says the arguments could not be read. Oracle:
# tests/exec_attack argv-null: execve("/nonexistent/rt-argv-null", NULL, NULL),
# which fails with ENOENT.
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
    filter: { comm: [rt-argv-null], result: failure }
    outputs: [stdout, j]
YAML
rt_start "$TMP/rules.yaml"
"$EXEC_ATTACK" rt-argv-null argv-null >"$TMP/oracle" || fail "exec_attack"
sleep 0.3
rt_stop INT
cat "$TMP/oracle" "$TMP/out" "$TMP/ev.jsonl"
read -r _ pid status <"$TMP/oracle"
expect_eq "the exec failed with ENOENT (exit status 2)" "$status" 2
line=$(grep -E "^[^ ]+ +failed +$pid " "$TMP/out")
[ -n "$line" ] || fail "not reported"
case "$line" in
*"[argv unreadable]"*) fail "a NULL argv (no arguments) shown as unreadable: $line" ;;
esac
python3 - "$TMP/ev.jsonl" "$pid" <<'PY' || fail "a NULL argv (no arguments) misreported in JSON"
import json, sys
o = [o for o in map(json.loads, open(sys.argv[1])) if o.get('pid') == int(sys.argv[2])][0]
got = (o['argc'], o['argv'], o['argv_unread'], o['argv_truncated'])
print('argc, argv, argv_unread, argv_truncated:', got)
sys.exit(0 if got == (0, [], False, False) else 1)
PY
echo "ok: a NULL argv is an empty argument list"
