#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Readiness through an interface, not a banner: sd_notify's datagrams to
# $NOTIFY_SOCKET (a path socket and an abstract one) at start, around each SIGHUP
# reload (a failed one too) and at stop, MAINPID the ruletrace pid; the --ready-fd
# line exactly once, only once the probes count (a workload started the moment it
# is read is counted to the call); a start that fails says nothing; a bad
# --ready-fd is a usage error.
. "$srcdir/lib.sh"
need_root

# --- a bad --ready-fd: exit 2 and the reason, before anything is loaded ---
bad_fd() {	# bad_fd WHAT MESSAGE ARGS...
	local st=0
	"$RULETRACE" "${@:3}" >"$TMP/out" 2>"$TMP/err" || st=$?
	expect_eq "$1: exit status" "$st" 2
	grep -qxF -- "ruletrace: --ready-fd: $2" "$TMP/err" || { cat "$TMP/err"; fail "$1: message"; }
}
bad_fd "--ready-fd x" "'x' is not a file descriptor number" --ready-fd x
bad_fd "--ready-fd 1" "1 is standard output, which ruletrace keeps open" --ready-fd 1
bad_fd "--ready-fd of a closed fd" "7: Bad file descriptor" --ready-fd 7
bad_fd "--ready-fd of a read-only fd" "7 is not open for writing" --ready-fd 7 7</dev/null

cat >"$TMP/rules.yaml" <<'YAML'
version: 1
rules:
  - { name: calls, probe: sys_enter, filter: { comm: [rt-ready], syscalls: [getppid] } }
YAML

python3 - "$RULETRACE" "$WORKLOAD" "$TMP" <<'PY' || fail "readiness"
import json, os, select, signal, socket, subprocess, sys, time

rt, wl, tmp = sys.argv[1:4]
rules = f"{tmp}/rules.yaml"
N = 5000
# LeakSanitizer (sanitizer build) would call getppid under the workload's comm.
wl_env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")

def fail(msg):
    try:
        sys.stderr.write(open(f"{tmp}/err").read())
    except OSError:
        pass
    sys.exit(f"FAIL: {msg}")

def start(args, notify=None):
    """ruletrace ARGS with --ready-fd on a pipe (and NOTIFY_SOCKET): (process, read end)."""
    r, w = os.pipe()
    env = dict(os.environ)
    env.pop("NOTIFY_SOCKET", None)
    if notify:
        env["NOTIFY_SOCKET"] = notify
    with open(f"{tmp}/out", "w") as o, open(f"{tmp}/err", "w") as e:
        p = subprocess.Popen([rt, "--ready-fd", str(w)] + args, env=env, pass_fds=[w],
                             stdout=o, stderr=e)
    os.close(w)
    return p, r

def read_line(p, r):
    """Block until the ready fd's first line (or its end)."""
    buf = b""
    while not buf.endswith(b"\n"):
        if not select.select([r], [], [], 10)[0]:
            p.kill()
            fail("no ready line within 10 s")
        chunk = os.read(r, 256)
        if not chunk:
            break
        buf += chunk
    return buf.decode()

def rest(r):
    """What the ready fd carries after its first line, up to its end (it is closed)."""
    buf = b""
    while select.select([r], [], [], 10)[0]:
        chunk = os.read(r, 256)
        if not chunk:
            os.close(r)
            return buf.decode()
        buf += chunk
    fail("the ready fd was not closed")

def counted(p):
    """Stop p with SIGINT; the getppid calls it counted for rt-ready."""
    p.send_signal(signal.SIGINT)
    if p.wait(10) != 0:
        fail(f"exit status {p.returncode}")
    s = json.load(open(f"{tmp}/s.json"))
    return sum(c["count"] for c in s["rules"][0]["counts"] if c["comm"] == "rt-ready")

def ready_then_workload(p, r):
    """The ready line, then at once the workload: every call of it is counted."""
    line = read_line(p, r)
    subprocess.run([wl, "--comm", "rt-ready", "--getppid", str(N)], env=wl_env, check=True)
    want = f"READY=1 MAINPID={p.pid}\n"
    if line != want:
        fail(f"ready line {line!r}, want {want!r}")

def msg(sock):
    try:
        data = sock.recv(4096).decode()
    except socket.timeout:
        fail("no notification within 10 s")
    lines = data.split("\n")
    return lines, dict(l.split("=", 1) for l in lines)

def expect(sock, p, first, status=None):
    lines, kv = msg(sock)
    if lines[0] != first:
        fail(f"got {lines!r}, want {first} first")
    if first == "READY=1":
        if kv.get("MAINPID") != str(p.pid):
            fail(f"MAINPID {kv.get('MAINPID')}, ruletrace is {p.pid}")
        if kv.get("STATUS") != status:
            fail(f"STATUS {kv.get('STATUS')!r}, want {status!r}")
    return kv

# Without NOTIFY_SOCKET, three times: the ready line comes only once the probes count.
for i in range(3):
    p, r = start(["-j", f"{tmp}/s.json", rules])
    ready_then_workload(p, r)
    got = counted(p)
    if got != N:
        fail(f"run {i}: {got} getppid calls counted after the ready line, want {N}")
    if rest(r):
        fail("more than one line on the ready fd")
print(f"ok: a workload started at the ready line is counted whole ({N}), 3 runs")

for name in (f"{tmp}/notify", "@ruletrace-readiness-%d" % os.getpid()):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name[1:] if name[0] == "@" else name)
    sock.settimeout(10)
    with open(rules, "w") as f:
        f.write("version: 1\nrules:\n  - { name: calls, probe: sys_enter, "
                "filter: { comm: [rt-ready], syscalls: [getppid] } }\n")
    p, r = start(["-j", f"{tmp}/s.json", rules], notify=name)
    expect(sock, p, "READY=1", "tracing 1 rule")
    ready_then_workload(p, r)

    # A reload that works, then one that fails: RELOADING=1 and READY=1 each.
    t0 = time.monotonic_ns() // 1000
    p.send_signal(signal.SIGHUP)
    kv = expect(sock, p, "RELOADING=1")
    t1 = time.monotonic_ns() // 1000
    if not t0 <= int(kv.get("MONOTONIC_USEC", -1)) <= t1:
        fail(f"MONOTONIC_USEC {kv.get('MONOTONIC_USEC')} not in [{t0}, {t1}]")
    expect(sock, p, "READY=1", "tracing 1 rule")
    with open(rules, "w") as f:
        f.write("version: 1\nrules:\n  - name: x\n    probe: nope\n")
    p.send_signal(signal.SIGHUP)
    expect(sock, p, "RELOADING=1")
    expect(sock, p, "READY=1", "tracing 1 rule; the last reload failed")
    subprocess.run([wl, "--comm", "rt-ready", "--getppid", str(N)], env=wl_env, check=True)
    got = counted(p)
    expect(sock, p, "STOPPING=1")
    if got != 2 * N:
        fail(f"{name}: {got} getppid calls counted, want {2 * N}")
    if "reload failed" not in open(f"{tmp}/err").read():
        fail(f"{name}: the failed reload was not logged")
    sock.setblocking(False)
    try:
        fail(f"{name}: a notification after STOPPING=1: {sock.recv(4096)!r}")
    except BlockingIOError:
        pass
    if rest(r):
        fail(f"{name}: the ready fd was written again after a reload")
    sock.close()
    print(f"ok: {name}: READY=1 (MAINPID {p.pid}), RELOADING=1 + READY=1 for a good and "
          "a failed reload, STOPPING=1, one ready line")

# A start that fails: no READY=1, and the ready fd ends without a line.
with open(f"{tmp}/bad.yaml", "w") as f:
    f.write(f"version: 1\noutputs:\n  o: {{ type: csv, path: {tmp}/no/such/dir/x.csv }}\n"
            "rules:\n  - { name: e, probe: execve, outputs: [o] }\n")
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(f"{tmp}/notify-bad")
p, r = start([f"{tmp}/bad.yaml"], notify=f"{tmp}/notify-bad")
if p.wait(10) != 2:
    fail(f"failed start: exit status {p.returncode}")
if rest(r):
    fail("failed start: a ready line")
sock.setblocking(False)
try:
    fail(f"failed start: a notification: {sock.recv(4096)!r}")
except BlockingIOError:
    pass
print("ok: a start that fails sends nothing and writes no ready line")
PY
