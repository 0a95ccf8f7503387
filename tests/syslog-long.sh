#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# An exec with 20 KiB of arguments, through two syslog outputs: one with the
# default max_message (8096 bytes, rsyslog's default maxMessageSize) sends a
# message of at most that, its argument list cut to fit and its argv_cut figures
# exact; one with max_message: 64K sends the whole list. First to a private
# rsyslogd that takes 64 KiB (global(maxMessageSize="64k")), so that a message
# longer than max_message would arrive whole and show; then to one left at its
# default, which takes the first output's message whole and cuts the second's,
# unseen: what max_message is for. Oracle: the arguments the workload passed.
. "$srcdir/lib.sh"
need_root

# argv[0] and 41 arguments of 499 bytes, each starting with its number: 20510
# bytes with their NULs.
args=()
for i in $(seq 1 41); do
	args+=("$(printf 'a%02d-%s' "$i" "$(printf 'x%.0s' $(seq 1 495))")")
done
printf '%s\n' /bin/true "${args[@]}" >"$TMP/argv"

# run LABEL [GLOBAL]: rsyslogd with GLOBAL, one exec through both outputs; the
# messages in $TMP/LABEL.
run() {
	if [ -f "$TMP/rs/pid" ]; then
		kill "$(cat "$TMP/rs/pid")"
		for _ in $(seq 1 50); do [ -f "$TMP/rs/pid" ] || break; sleep 0.1; done
		rm -rf "$TMP/rs"
	fi
	start_rsyslog '%rawmsg%\n' "${2:-}"
	cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  short: { type: syslog, socket: $TMP/rs/log, ident: rt-short }
  long:  { type: syslog, socket: $TMP/rs/log, ident: rt-long, max_message: 64K }
rules:
  - name: long-argv
    probe: execve
    filter: { comm: [rt-long-argv] }
    max_argv_bytes: 32K
    outputs: [short, long]
YAML
	rt_start "$TMP/rules.yaml"
	"$WORKLOAD" --comm rt-long-argv --exec 1 -- /bin/true "${args[@]}" ||
		fail "exec workload"
	for _ in $(seq 1 50); do
		[ "$(grep -c ' event=exec ' "$TMP/rs/messages" 2>/dev/null)" -ge 2 ] && break
		sleep 0.1
	done
	rt_stop INT
	cat "$TMP/err"
	expect_eq "$1: exit status" "$RT_STATUS" 0
	expect_eq "$1: short written" "$(grep -c '^output short: 1 events written$' "$TMP/out")" 1
	expect_eq "$1: long written" "$(grep -c '^output long: 1 events written$' "$TMP/out")" 1
	cp "$TMP/rs/messages" "$TMP/$1"
}
run 64k 'maxMessageSize="64k"'
run default

python3 - "$TMP" <<'PY' || fail "syslog messages"
import re, sys
tmp = sys.argv[1]
argv = open(f'{tmp}/argv').read().split('\n')[:-1]
total = sum(len(a) + 1 for a in argv)
assert len(argv) == 42 and total == 20510, (len(argv), total)

def messages(label):
    by = {}
    for m in open(f'{tmp}/{label}', 'rb').read().split(b'\n'):
        if b' event=exec ' not in m:
            continue
        ident = re.match(rb'<14>\w{3} [ \d]\d \d\d:\d\d:\d\d (rt-\w+)\[\d+\]: rule="long-argv" ', m)
        assert ident and ident.group(1).decode() not in by, m[:100]
        by[ident.group(1).decode()] = m.decode('ascii')
    assert sorted(by) == ['rt-long', 'rt-short'], (label, sorted(by))
    return by

def field(m, key):
    return re.search(r' %s=("(?:[^"\\]|\\.)*"|\S+)' % key, m).group(1)

def check_short(m):
    # At most 8096 bytes, as many argument bytes as fit: plain ones grow the
    # message a byte each, "..." after the cut one, so within 4 bytes of it.
    assert 8096 - 4 <= len(m) <= 8096, len(m)
    shown = field(m, 'argv')[1:-1]
    assert shown.endswith('...'), shown[-20:]
    parts = shown[:-3].split(' ')
    whole, last = parts[:-1], parts[-1]
    assert whole == argv[:len(whole)], whole
    assert argv[len(whole)].startswith(last) and len(last) < len(argv[len(whole)]), last
    bytes_shown = sum(len(a) + 1 for a in whole) + len(last)
    tail = ' truncated=1 filename_truncated=0 argv_cut_args=%d argv_cut_bytes=%d' % (
        len(argv) - len(whole), total - bytes_shown)
    assert m.endswith(tail), (m[-100:], tail)
    return bytes_shown, tail

for label in ('64k', 'default'):
    by = messages(label)
    bytes_shown, tail = check_short(by['rt-short'])
    print('ok: %s: %d bytes of %d shown in %d bytes,%s' % (label, bytes_shown, total,
                                                           len(by['rt-short']), tail))
m = messages('64k')['rt-long']
assert len(m) > total, len(m)
assert field(m, 'argv') == '"%s"' % ' '.join(argv), field(m, 'argv')[-80:]
assert m.endswith(' argc=42 argv=%s truncated=0 filename_truncated=0 argv_cut_args=0 '
                  'argv_cut_bytes=0' % field(m, 'argv')), m[-120:]
print('ok: 64k: the 64K output whole, %d bytes' % len(m))
# The daemon at its default cut the 64K output's message, figures and all.
m = messages('default')['rt-long']
assert len(m) < total and not m.endswith(' argv_cut_bytes=0'), len(m)
print('ok: default: rsyslogd cut the 64K output\'s message to %d bytes' % len(m))
PY
