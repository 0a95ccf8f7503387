#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# An exec in flight across reloads must not be reported under a rule that never
# wanted it. The exec's entry records the kernel slots of the rules whose filters
# took the caller; it is reported at its result, seconds later if its argument
# pages are slow to fault in (here: a userfaultfd page, held 4 s). Meanwhile:
#   reload 1  removes the rule that took it ("watch", comm rt-held), freeing its slot
#   reload 2  adds a rule for another comm only ("stranger", comm rt-nobody, result
#             any), which gets the freed slot
# When the exec completes it must not appear under "stranger": its comm is rt-held,
# which "stranger" never wanted. Oracle: the comm filter of each rule.
. "$srcdir/lib.sh"
need_root
need_exec_attack

rules() {
	{
		echo "version: 1"
		echo "outputs:"
		echo "  j: { type: json, path: $TMP/ev.jsonl }"
		echo "rules:"
		echo "  - name: keep"
		echo "    probe: execve"
		echo "    filter: { comm: [rt-keep] }"
		echo "    outputs: [j]"
		if [ "$1" = watch ]; then
			echo "  - name: watch"
			echo "    probe: execve"
			echo "    filter: { comm: [rt-held], result: any }"
			echo "    outputs: [j]"
		elif [ "$1" = stranger ]; then
			echo "  - name: stranger"
			echo "    probe: execve"
			echo "    filter: { comm: [rt-nobody], result: any }"
			echo "    outputs: [j]"
		fi
	} >"$TMP/rules.yaml.new"
	mv "$TMP/rules.yaml.new" "$TMP/rules.yaml"
}

rules watch
rt_start "$TMP/rules.yaml"
"$EXEC_ATTACK" rt-held hold 4000 >"$TMP/oracle" &
hpid=$!
for _ in $(seq 1 100); do grep -q '^holding ' "$TMP/oracle" && break; sleep 0.05; done
if ! grep -q '^holding ' "$TMP/oracle"; then
	wait "$hpid"
	grep -q '^hold [0-9]* 77$' "$TMP/oracle" && skip "no userfaultfd for root here"
	fail "the exec was not held: $(cat "$TMP/oracle")"
fi
rules none
hup "reloaded"
rules stranger
hup "reloaded"
wait "$hpid" || fail "exec_attack hold"
sleep 0.3
rt_stop INT
cat "$TMP/oracle" "$TMP/err" "$TMP/ev.jsonl"
read -r _ pid status < <(grep '^hold ' "$TMP/oracle")
expect_eq "the held exec ran" "$status" 0
under=$(python3 - "$TMP/ev.jsonl" "$pid" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
print(' '.join('%s(comm=%s)' % (o['rule'], o['comm']) for o in evs
               if o.get('event') == 'exec' and o['pid'] == int(sys.argv[2])))
PY
)
case " $under " in
*" stranger("*) fail "the exec of comm rt-held (pid $pid) was reported under rule 'stranger', whose filter is comm [rt-nobody]: $under" ;;
esac
echo "ok: not reported under a rule that never wanted it (${under:-not reported})"
