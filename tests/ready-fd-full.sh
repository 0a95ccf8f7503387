#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# --ready-fd on a pipe that is full (a supervisor that has not read yet): the
# ready line is given up after a second, said on stderr, and the run goes on,
# ends by its --duration, and a SIGTERM stops it.
. "$srcdir/lib.sh"
need_root
printf 'version: 1\nrules:\n  - { name: c, probe: sys_enter, filter: { comm: [rt-at-rfd] } }\n' >"$TMP/rules.yaml"
python3 - "$RULETRACE" "$TMP/rules.yaml" <<'PY' || fail "--ready-fd on a full pipe hung the run"
import fcntl, os, signal, subprocess, sys, time
rt, rules = sys.argv[1], sys.argv[2]
r, w = os.pipe()
fl = fcntl.fcntl(w, fcntl.F_GETFL)
fcntl.fcntl(w, fcntl.F_SETFL, fl | os.O_NONBLOCK)
try:
    while True:
        os.write(w, b"x")
except BlockingIOError:
    pass
fcntl.fcntl(w, fcntl.F_SETFL, fl)
p = subprocess.Popen([rt, "--ready-fd", str(w), "-d", "1s", rules], pass_fds=(w,),
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(w)
try:
    p.wait(timeout=8)
    print(f"ok: ended by --duration 1s, exit status {p.returncode}")
    sys.exit(0)
except subprocess.TimeoutExpired:
    pass
p.send_signal(signal.SIGTERM)
try:
    p.wait(timeout=5)
    print(f"still running 8 s after its --duration 1s; ended by SIGTERM ({p.returncode})")
except subprocess.TimeoutExpired:
    p.kill()
    p.wait()
    print("still running 8 s after its --duration 1s, and 5 s after SIGTERM: killed")
os.close(r)
sys.exit(1)
PY
