#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Signals from the first millisecond: the handlers are the first thing main does
# (strace shows them before the rule file and BPF); a SIGHUP storm that starts
# as soon as they are in (logrotate's pkill -HUP can land there) never kills
# ruletrace; a SIGTERM before it has attached ends the run cleanly (a summary,
# exit 0), not by the default action (exit 143).
. "$srcdir/lib.sh"
need_root

command -v strace >/dev/null || skip "strace not installed"

# The handlers come before the rule file is read and before anything is loaded.
# (LeakSanitizer, in the sanitizer build, cannot run under ptrace.)
ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=rt_sigaction,openat,bpf -o "$TMP/trace" \
	"$RULETRACE" -d 200ms \
	"$RULES_DIR/default.yaml" >/dev/null 2>&1 || fail "ruletrace -d 200ms under strace failed"
first_hup=$(grep -n 'rt_sigaction(SIGHUP, {sa_handler=0x' "$TMP/trace" | head -1 | cut -d: -f1)
first_rules=$(grep -n 'openat(.*default.yaml' "$TMP/trace" | head -1 | cut -d: -f1)
first_bpf=$(grep -n 'bpf(' "$TMP/trace" | head -1 | cut -d: -f1)
[ -n "$first_hup" ] && [ -n "$first_rules" ] && [ -n "$first_bpf" ] ||
	fail "strace shows no SIGHUP handler, rule file open or bpf call"
[ "$first_hup" -lt "$first_rules" ] && [ "$first_hup" -lt "$first_bpf" ] ||
	fail "the SIGHUP handler is installed after the rule file is read or BPF is loaded"
echo "ok: signal handlers installed before the rule file is read and BPF loaded"

# A storm of SIGHUPs from the moment the handlers are in (pkill -HUP finds the
# process by name, so from exec on; before main the dynamic loader runs, as in
# every program): never fatal, and the run goes on to a clean exit.
python3 - "$RULETRACE" "$TMP/out" "$TMP/err" <<'PY' || fail "SIGHUP storm"
import os, signal, subprocess, sys, time
rt, out, err = sys.argv[1:4]
def caught(pid, sig):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("SigCgt:"):
                return int(line.split()[1], 16) & (1 << (sig - 1))
    except OSError:
        pass
    return 0
def check(p, what):
    st = p.wait()
    if st != 0:
        print(open(err).read(), file=sys.stderr)
        print(open(out).read()[-2000:], file=sys.stderr)	# the summary: what was lost
        sys.exit(f"{what}: exit status {st}")
    if "--- ruletrace summary ---" not in open(out).read():
        sys.exit(f"{what}: no summary")
for attempt in range(20):
    with open(out, "w") as o, open(err, "w") as e:
        # --allow-loss: the built-in rules take every exec on the machine, and the
        # tests beside this one may flood them; losses are counted, not the point.
        p = subprocess.Popen([rt, "--allow-loss", "-d", "3s"], stdout=o, stderr=e)
    t0 = time.monotonic()
    while not caught(p.pid, signal.SIGHUP) and p.poll() is None and time.monotonic() - t0 < 5:
        pass
    sent = 0
    while p.poll() is None and time.monotonic() - t0 < 0.3:
        os.kill(p.pid, signal.SIGHUP)
        sent += 1
    check(p, f"try {attempt}, {sent} SIGHUPs")
print("ok: 20 SIGHUP storms from the first instant the handlers are in: exit 0 each")
# A SIGTERM as soon as it can be caught, long before the probes are attached.
for attempt in range(10):
    with open(out, "w") as o, open(err, "w") as e:
        p = subprocess.Popen([rt, "--allow-loss"], stdout=o, stderr=e)
    while not caught(p.pid, signal.SIGTERM) and p.poll() is None:
        pass
    os.kill(p.pid, signal.SIGTERM)
    check(p, f"SIGTERM at start, try {attempt}")
print("ok: 10 SIGTERMs at start, each a clean stop with a summary")
PY

