#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Central syslog, end to end, through two real rsyslogd instances on loopback: a
# "host" one receives ruletrace's syslog output on its local socket and forwards
# everything over TCP with RFC 6587 octet-counted framing to a "central" one,
# which writes what it receives to a file. The oracle is the workload: exactly
# EXECS fork+execs, from a process whose comm holds a quote, a backslash, a
# newline and a character that is not ASCII, of a program whose arguments hold the
# same and more. The central file must hold every exec once (by pid), and each
# message's comm, pcomm, filename and argv, decoded from ruletrace's escaping,
# must be the bytes the workload used. The summary message arrives too, and the
# figures it carries are the run's. The configuration is the README's
# (Deploying), with ports and paths of this test and without the timestamp.
. "$srcdir/lib.sh"
need_root
command -v rsyslogd >/dev/null || skip "rsyslogd not installed (apt-get install rsyslog)"

EXECS=200
# (A rule file is UTF-8, so a comm filter cannot name an invalid byte: the
# program's name and its arguments hold those.)
COMM=$'rt"r\\l\ny\xc3\xa9'
COMM_YAML='rt\"r\\l\ny\u00e9'

# rsyslog_up NAME CONF: start a private rsyslogd (its pid stopped at exit).
RS_PIDS=
rsyslog_up() {
	mkdir -p "$TMP/$1"
	rsyslogd -f "$2" -i "$TMP/$1/pid" || fail "$1 rsyslogd did not start"
	for _ in $(seq 1 50); do [ -s "$TMP/$1/pid" ] && break; sleep 0.1; done
	RS_PIDS="$RS_PIDS $(cat "$TMP/$1/pid")"
}
trap 'for p in $RS_PIDS; do kill "$p" 2>/dev/null; done; cleanup' EXIT

port=$(free_port)
mkdir -p "$TMP/central" "$TMP/host"
cat >"$TMP/central/conf" <<CONF
global(workDirectory="$TMP/central" maxMessageSize="64k")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="$port")
template(name="ruletrace" type="string" string="%hostname% %app-name% %msg%\n")
if \$programname == "ruletrace" then
	action(type="omfile" file="$TMP/central/messages" template="ruletrace")
CONF
rsyslog_up central "$TMP/central/conf"
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }
for _ in $(seq 1 50); do listening && break; sleep 0.1; done
listening || fail "central rsyslogd not listening on $port"

cat >"$TMP/host/conf" <<CONF
global(workDirectory="$TMP/host")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$TMP/host/log" CreatePath="on")
if \$programname == "ruletrace" then {
	action(type="omfwd" target="127.0.0.1" port="$port" protocol="tcp"
	       TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format"
	       queue.type="LinkedList" queue.filename="ruletrace-fwd"
	       queue.saveOnShutdown="on" action.resumeRetryCount="-1")
	stop
}
CONF
rsyslog_up host "$TMP/host/conf"
for _ in $(seq 1 50); do [ -S "$TMP/host/log" ] && break; sleep 0.1; done
[ -S "$TMP/host/log" ] || fail "host rsyslogd did not create $TMP/host/log"

# The program the workload runs: /bin/true under a hostile name.
PROG="$TMP/bin/"$'tr"ue\\x\xff'
mkdir -p "$TMP/bin"
cp /bin/true "$PROG"
# 'caf\xc3\xa9' is the text backslash-x, not bytes: it must stay told apart from
# the escaped bytes beside it. The long one makes each message about 6.5 KB, near
# what a host's rsyslog takes by default (8 KiB), more than a UDP relay would.
ARGS=(plain $'new\nline' 'q"uote' 'back\slash' $'bad\xfe\xffutf8' 'caf\xc3\xa9' $'tab\tand]' ''
	"$(printf 'L%.0s' $(seq 1 6000))")

cat >"$TMP/rules.yaml" <<YAML
version: 1
outputs:
  central: { type: syslog, socket: $TMP/host/log }
rules:
  - name: execs
    probe: execve
    filter: { comm: ["$COMM_YAML"] }
    outputs: [central]
YAML
"$RULETRACE" --check "$TMP/rules.yaml" >/dev/null || fail "rule file does not validate"
rt_start "$TMP/rules.yaml"
"$WORKLOAD" --comm "$COMM" --exec "$EXECS" -- "$PROG" "${ARGS[@]}" ||
	fail "workload failed"
rt_stop INT
cat "$TMP/err"
expect_eq "exit status" "$RT_STATUS" 0

# Everything ruletrace sent reaches the central file: its summary comes last.
for _ in $(seq 1 100); do
	grep -q 'event=summary' "$TMP/central/messages" 2>/dev/null && break
	sleep 0.1
done

python3 - "$TMP/central/messages" "$EXECS" "$COMM" "$PROG" "${ARGS[@]}" <<'PY'
import os, re, sys

path, execs = sys.argv[1], int(sys.argv[2])
comm, prog = (os.fsencode(a) for a in sys.argv[3:5])
args = [os.fsencode(a) for a in sys.argv[5:]]

def unescape(s):
    """A value as ruletrace's syslog output escapes it, back to its bytes."""
    out, i = bytearray(), 0
    while i < len(s):
        c = s[i]
        if c == 0x5c:
            n = s[i + 1]
            if n == ord('x'):
                out.append(int(s[i + 2:i + 4], 16))
                i += 4
                continue
            out += {ord('n'): b'\n', ord('t'): b'\t', ord('r'): b'\r'}.get(n, bytes([n]))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)

def fields(msg):
    """key=value and key="value" pairs of one message, values as bytes."""
    kv = {}
    for m in re.finditer(rb'(\w+)=("((?:[^"\\]|\\.)*)"|\S*)', msg):
        kv[m[1].decode()] = unescape(m[3]) if m[3] is not None else m[2]
    return kv

lines = open(path, 'rb').read().split(b'\n')
assert lines[-1] == b'', 'the central file ends in a newline'
events, summaries = [], []
for l in lines[:-1]:
    host, app, msg = l.split(b' ', 2)
    assert app == b'ruletrace', ('app-name', l[:200])
    kv = fields(msg)
    if kv.get('event') == b'exec':
        events.append(kv)
    elif kv.get('event') == b'summary':
        summaries.append(kv)
    else:
        raise AssertionError(('unexpected message', l[:200]))

pids = [int(e['pid']) for e in events]
assert len(pids) == execs, ('exec messages', len(pids), execs)
assert len(set(pids)) == execs, ('each exec once', len(pids) - len(set(pids)), 'repeats')
for e in events:
    want = dict(comm=comm, pcomm=comm, filename=prog)
    for k, v in want.items():
        assert e[k] == v, (k, e[k], v)
    # argv: the arguments joined by spaces, one that is empty or holds a space
    # or a quote in double quotes, its quotes as \"
    want = b' '.join(a if a and b' ' not in a and b'"' not in a
                     else b'"' + a.replace(b'"', b'\\"') + b'"' for a in [prog] + args)
    assert e['argv'] == want, ('argv', e['argv'], want)
    assert e['rule'] == b'execs' and e['result'] in (b'0', b'ok'), e
assert len(summaries) == 1, ('summary messages', len(summaries))
s = summaries[0]
assert int(s['matched']) == execs and int(s.get('lost', b'0')) == 0, s
print(f'ok: central file holds {execs} exec messages, each once, comm, pcomm, filename and '
      f'argv byte-exact; 1 summary message, matched {execs}')
PY
[ $? = 0 ] || fail "central file does not hold the run"
