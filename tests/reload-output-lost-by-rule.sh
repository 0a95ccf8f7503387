#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Per-rule output losses across a reload (issue 13). A reload that changes an
# output's definition (here a syslog output's ident) opens it anew and hands the
# old one's figures on to it (ruletrace(8): "its figures handed on to an output
# of the same name": written, lost, dropped), but not its losses by rule slot.
# The rule, whose counts a reload keeps, then shows none of what that output
# dropped of its events: "output s: ... 4989 dropped" while the rule says nothing
# of "not written by its outputs", and --summary-json gives outputs_lost
# {"s": 0} against outputs[s].lost 4989.
# Oracle: one rule, one output, a log daemon that reads nothing (stopped): every
# event the rule delivered is written or lost by s; so the rule's outputs_lost
# for s equals s's lost, before and after the reload alike. (60000 messages, 1.5 s of them: more
# than the output holds back while the daemon does not read, 4 MiB, so some are
# dropped before the reload.)
. "$srcdir/lib.sh"
need_root
start_rsyslog '%programname%|%msg%\n'

rules() {	# rules IDENT
	cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  s: { type: syslog, socket: $TMP/rs/log, ident: $1 }
rules:
  - name: a
    probe: sys_enter
    mode: stream
    filter: { comm: [rt-olbr], syscalls: [getppid] }
    outputs: [s]
YAML
}

rules rt-olbr-1
rt_start -j "$TMP/s.json" "$TMP/rules.yaml"
kill -STOP "$(cat "$TMP/rs/pid")"
"$WORKLOAD" --comm rt-olbr --getppid 60000 --spread 1500 || fail workload
logged "destination not keeping up" 1 || { cat "$TMP/err"; fail "the syslog output dropped nothing"; }
sleep 0.3	# every event read
rules rt-olbr-2
hup "reloaded"
rt_stop INT
kill -CONT "$(cat "$TMP/rs/pid")"
expect_eq "exit status (events dropped)" "$RT_STATUS" 3
python3 - "$TMP" <<'PY' || { cat "$TMP/out"; fail "the rule's output losses were not carried over the reload"; }
import json, sys
s = json.load(open(sys.argv[1] + "/s.json"))
r = s["rules"][0]
o = {x["name"]: x for x in s["outputs"]}["s"]
print("rule a:", {k: r[k] for k in ("matched", "events", "outputs_lost")}, "output s:", o)
assert r["events"] == 60000, r
assert o["written"] + o["lost"] == 60000, o
assert o["lost"] > 0, o
assert r["outputs_lost"] == {"s": o["lost"]}, (r["outputs_lost"], o["lost"])
assert r["lost"]["outputs"] == o["lost"], r["lost"]
print("ok: rule a's outputs_lost s equals output s's lost")
PY
lost=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["outputs"][1]["lost"])' "$TMP/s.json")
grep -qxF "  not written by its outputs: $lost (s $lost)" "$TMP/out" ||
	{ cat "$TMP/out"; fail "text summary: the rule's 'not written by its outputs'"; }
echo "ok: text summary agrees"
