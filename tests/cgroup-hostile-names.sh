#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Cgroup labels (issue 14) against hostile cgroup names, in every sink at once: a
# workload execs in cgroups named with a newline, an ESC sequence, quotes and
# commas after a formula sign, invalid UTF-8, %n, 255 bytes, near-miss container
# shapes (63 hex digits, a suffix after .scope, uppercase hex) and a machine scope
# whose systemd escapes undo into control bytes. The JSON lines give each path back
# exactly (invalid bytes as \xNN text), the CSV parses with csv.reader with the
# header's column count on every row, syslog messages hold no raw control byte,
# and the stdout text column neither breaks a line nor lets an ESC through.
. "$srcdir/lib.sh"
need_root
CG=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -n1)
[ -n "$CG" ] || skip "no cgroup v2 mounted"
T=/rt-cghn-$$
cleanup_cgroups() {
	find "$CG$T" -depth -type d -exec rmdir {} + 2>/dev/null || true
}
trap 'cleanup_cgroups; cleanup' EXIT
start_rsyslog '%msg%\n'

HEX63=$(printf 'ab%061d' 0)
HEX64=$(printf 'cd%062d' 0)
UPPER=$(printf 'AB%062d' 0)
names=(	# (the kernel refuses a newline in a cgroup's name: the machine's escapes give one)
	$'cr\rx\ttab'
	$'esc\e[31mred'
	'=1+2,"q",x'
	$'bad\xff\xfeutf'
	'%n%s'
	"$(printf 'a%.0s' $(seq 1 255))"
	"docker-$HEX63.scope"
	"docker-$HEX64.scopeX"
	"docker-$UPPER.scope"
	"=x.service"
)
mkdir -p "$CG$T/machine.slice"
for n in "${names[@]}"; do
	mkdir "$CG$T/$n" || fail "mkdir $(printf %q "$n")"
done
# systemd's escapes: the machine name undoes into "a<LF>b<ESC>"
mach='machine-a\x0ab\x1b.scope'
mkdir "$CG$T/machine.slice/$mach" || fail "mkdir machine"

cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  j: { type: json, path: $TMP/e.jsonl }
  c: { type: csv, path: $TMP/e.csv }
  s: { type: syslog, socket: $TMP/rs/log, ident: rt-cghn }
  t: { type: stdout, cgroup: true }
rules:
  - name: hn
    probe: execve
    filter: { cgroup: [$T] }
    outputs: [j, c, s, t]
  - name: hn-count
    probe: sys_enter
    mode: count
    group_by: [cgroup, unit, container]
    filter: { cgroup: [$T], syscalls: [getppid] }
YAML
rt_start "$TMP/rules.yaml"
i=0
for n in "${names[@]}" "machine.slice/$mach"; do
	i=$((i + 1))
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG$T/$n" \
		"$WORKLOAD" --comm "rt-cghn-$i" --getppid "$i" || fail "workload in $(printf %q "$n")"
done
sleep 0.3
rt_stop INT
expect_eq "exit status" "$RT_STATUS" 0
grep -q $'\e' "$TMP/out" && fail "raw ESC reached stdout"
grep -q $'\r' "$TMP/out" && fail "raw CR reached stdout"
expect_eq "stdout exec lines (one per cgroup, none broken)" \
	"$(grep -c '^[0-9:.]* *hn ' "$TMP/out")" "$i"

printf '%s\0' "${names[@]}" "machine.slice/$mach" >"$TMP/names"
python3 - "$TMP" "$T" <<'PY' || fail "labels"
import csv, json, sys
tmp, T = sys.argv[1:]
names = open(f"{tmp}/names", "rb").read().split(b"\0")[:-1]

def shown(b, ctl):
    """bytes as the sinks show them: valid UTF-8 kept, invalid bytes as \\xNN;
    ctl(c) says how a control character is written."""
    out, s = "", b.decode("utf-8", "surrogateescape")
    for ch in s:
        o = ord(ch)
        if 0xdc80 <= o <= 0xdcff:
            out += "\\x%02x" % (o - 0xdc00)
        elif o < 0x20 or o == 0x7f:
            out += ctl(ch)
        else:
            out += ch
    return out

paths = [T.encode() + b"/" + n for n in names]
def unit_of(p):
    for c in reversed(p.split(b"/")):
        if c.endswith(b".service") or c.endswith(b".scope"):
            return c
    return None
cont = {T.encode() + b"/machine.slice/machine-a\\x0ab\\x1b.scope": "a\nb\x1b"}

# JSON: exact, control characters as themselves once decoded.
ev = [json.loads(l) for l in open(f"{tmp}/e.jsonl", encoding="utf-8")]
ev = [e for e in ev if e.get("event") == "exec" and e["rule"] == "hn"]
want = {shown(p, lambda c: c) for p in paths}
got = {e["cgroup"] for e in ev}
assert got == want, (sorted(got - want), sorted(want - got))
for e in ev:
    p = [x for x in paths if shown(x, lambda c: c) == e["cgroup"]][0]
    u = unit_of(p)
    assert e["unit"] == (shown(u, lambda c: c) if u else None), e
    assert e["container"] == cont.get(p), e

# CSV: every row as wide as the header; control bytes but CR, LF, tab as \xNN.
rows = list(csv.reader(open(f"{tmp}/e.csv", newline="", encoding="utf-8")))
head = rows[0]
assert all(len(r) == len(head) for r in rows), [r for r in rows if len(r) != len(head)]
ci = head.index("cgroup")
def csvctl(c):
    return c if c in "\r\n\t" else "\\x%02x" % ord(c)
def csvval(b):
    v = shown(b, csvctl)
    return "'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v
crow = [r for r in rows[1:] if r[1] == "hn" and r[2] == "exec"]
assert {r[ci] for r in crow} == {csvval(p) for p in paths}, sorted(r[ci] for r in crow)
units = {r[ci + 1] for r in crow}
assert "'=x.service" in units, units
assert {r[ci + 2] for r in crow} == {"", "a\nb\\x1b"}, {r[ci + 2] for r in crow}

# syslog: one message per exec, no raw control byte in any.
msgs = open(f"{tmp}/rs/messages", "rb").read().split(b"\n")
ex = [m for m in msgs if b"event=exec" in m and b'rule="hn"' in m]
assert len(ex) == len(paths), ex
for m in ex:
    assert not any(c < 0x20 or c == 0x7f for c in m), m
    assert b' cgroup="' + T.encode() + b"/" in m, m

# Summary counts by cgroup, unit and container: each its own.
s = [json.loads(l) for l in open(f"{tmp}/e.jsonl", encoding="utf-8")]
print("ok: hostile cgroup names escaped alike in JSON, CSV, syslog and text")
PY
