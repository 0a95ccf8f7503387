#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# --explain=json gives "the same" as the text (ruletrace(8) EXPLAIN), and EVENT
# BUFFERS says "--explain lists each rule's ring and the total". The text does,
# "rule e: 524288 bytes (512.0 KiB)" for each stream rule; the JSON has only the
# run's --buffer-size ("bytes") and the total: a script cannot tell which rule
# costs what, nor which rules have a ring at all.
# Oracle: stream rules at 512K, 4K and the default 1M, and a count rule: the JSON
# names each stream rule's ring bytes (in its rules[] entry or by name under
# buffers), none for the count rule, and they add up to buffers.total_bytes.
. "$srcdir/lib.sh"
need_root

cat >"$TMP/rules.yaml" <<YAML
version: 1
rules:
  - { name: e, probe: execve, filter: { comm: [rt-ejr] }, buffer_size: 512K, rate_limit: { events: 3, per: 1s } }
  - { name: s, probe: sys_enter, mode: stream, filter: { comm: [rt-ejr] }, buffer_size: 4K }
  - { name: d, probe: sys_enter, mode: stream, filter: { comm: [rt-ejr] } }
  - { name: c, probe: sys_enter, filter: { comm: [rt-ejr] } }
YAML
"$RULETRACE" --explain "$TMP/rules.yaml" >"$TMP/text" 2>"$TMP/err" || { cat "$TMP/err"; fail "--explain"; }
[ -s "$TMP/err" ] && { cat "$TMP/err"; fail "--explain wrote to standard error as root"; }
for want in "rule e: 524288 bytes" "rule s: 4096 bytes" "rule d: 1048576 bytes"; do
	grep -qF "$want" "$TMP/text" || { cat "$TMP/text"; fail "text: no '$want'"; }
done
echo "ok: the text lists each rule's ring"
"$RULETRACE" --explain=json "$TMP/rules.yaml" >"$TMP/json" 2>"$TMP/err" || { cat "$TMP/err"; fail "--explain=json"; }
[ -s "$TMP/err" ] && { cat "$TMP/err"; fail "--explain=json wrote to standard error as root"; }
python3 - "$TMP/json" <<'PY' || fail "--explain=json does not give each rule's ring"
import json, sys
d = json.load(open(sys.argv[1]))
want = {"e": 524288, "s": 4096, "d": 1048576}

def numbers(o):
    """Every (key, number) pair in o, however deep."""
    if isinstance(o, dict):
        for k, v in o.items():
            if isinstance(v, int) and not isinstance(v, bool):
                yield k, v
            else:
                yield from numbers(v)
    elif isinstance(o, list):
        for v in o:
            yield from numbers(v)

def ring_of(name):
    rule = [r for r in d["rules"] if r["name"] == name][0]
    found = {v for k, v in numbers(rule) if "buffer" in k or "ring" in k or "bytes" in k}
    for b in d["buffers"].values() if isinstance(d["buffers"], dict) else []:
        for x in b if isinstance(b, list) else []:
            if isinstance(x, dict) and name in (x.get("name"), x.get("rule")):
                found |= {v for k, v in numbers(x) if "bytes" in k or "size" in k}
    return found

got = {n: ring_of(n) for n in ("e", "s", "d", "c")}
print("ring bytes found per rule:", got)
for n, size in want.items():
    assert size in got[n], (n, size, got[n])
assert d["buffers"]["total_bytes"] == sum(want.values()), d["buffers"]
print("ok: --explain=json gives each stream rule's ring")
PY
