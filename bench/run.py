#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""bench/run.py - ruletrace's cost side by side with its peers, in one run.

Every configuration runs the same workloads (bench/workload.c) interleaved
(A B C A B C ...) for --rounds rounds; each figure is the median with its spread
(min-max), and ratios compare figures from the same run. Nothing here passes or
fails: it prints a table. Run as root from a built tree: make bench.

The peers: a bare per-CPU counter (bench/ref.bpf.c), bpftrace, and libbpf-tools'
syscount -P (W1, syscall counting) and execsnoop (W2, fork+exec); a missing peer
is skipped with a note (scripts/deps.sh --bench installs them on Debian 12).

--base-binary runs a second ruletrace (say, a copy of the build before a change)
beside this one: each ruletrace row gets a "[base]" twin measured in the same
interleaved rounds, and the streaming sweep offers each rate to both, in turn.
"""
import argparse
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--builddir", default=".")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--calls", type=int, default=3_000_000, help="W1 getppid calls")
    p.add_argument("--execs", type=int, default=2000, help="W2 fork+execs")
    p.add_argument("--only", default="", help="comma-separated configuration names")
    p.add_argument("--sweep-seconds", type=int, default=2, help="streaming sweep: seconds a rate")
    p.add_argument("--sweep-rates", type=lambda s: [int(x) for x in s.split(",")],
                   default=[200000, 400000, 800000, 1200000, 1600000, 2400000, 3200000],
                   help="streaming sweep: offered getppid calls a second")
    p.add_argument("--sweep-rounds", type=int, default=1,
                   help="streaming sweep: passes over the rates")
    p.add_argument("--base-binary", default=None,
                   help="another ruletrace to measure beside this one, in the same rounds")
    p.add_argument("--parts", default="w1,w2,sweep",
                   help="comma-separated parts to run: w1, w2, sweep")
    args = p.parse_args()
    args.parts = set(args.parts.split(","))
    return args


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def rules_files(tmp):
    """The rule files of configurations 4 to 7 and of W2."""
    count = write(f"{tmp}/count.yaml",
                  "version: 1\nrules:\n  - { name: c, probe: sys_enter }\n")
    # Keyed as syscount -P keys its counts: by process id.
    by_pid = write(f"{tmp}/count-pid.yaml",
                   "version: 1\nrules:\n  - { name: c, probe: sys_enter, group_by: [pid] }\n")
    reject = write(f"{tmp}/reject.yaml",
                   "version: 1\nrules:\n  - { name: c, probe: sys_enter,"
                   " filter: { comm: [no-such-comm] } }\n")
    # Rejected by a cgroup, a unit and a container filter: the verdict takes the
    # task's cgroup ancestry, once per task and CPU, then comes from the cache.
    reject_cg = write(f"{tmp}/reject-cgroup.yaml",
                      "version: 1\nrules:\n  - { name: c, probe: sys_enter,"
                      " filter: { cgroup: [/no-such-cgroup], unit: [no-such.service],"
                      " container: [0123456789ab] } }\n")
    many = "version: 1\nrules:\n"
    for i in range(63):
        many += f"  - {{ name: r{i}, probe: sys_enter, filter: {{ comm: [other-{i}] }} }}\n"
    many += "  - { name: r63, probe: sys_enter, filter: { comm: [rt-bench] } }\n"
    many = write(f"{tmp}/many.yaml", many)
    stream = write(f"{tmp}/stream.yaml",
                   "version: 1\noutputs:\n  f: { type: json, path: " + tmp + "/events.jsonl }\n"
                   "rules:\n  - { name: s, probe: sys_enter, mode: stream,"
                   " filter: { comm: [rt-bench], syscalls: [getppid] }, outputs: [f] }\n")
    execs = write(f"{tmp}/exec.yaml",
                  "version: 1\noutputs:\n  f: { type: json, path: " + tmp + "/execs.jsonl }\n"
                  "rules:\n  - { name: e, probe: execve, outputs: [f] }\n")
    return count, by_pid, reject, reject_cg, many, stream, execs


class Tracer:
    """A tracer process started before a workload and stopped after it.

    ready says when it is attached: a string it prints (to stdout or stderr, both
    in tracer.err unless stdout names a file of its own), or a function given
    the process that says so. After stop(), output holds what it printed to
    tracer.err."""

    running = []

    def __init__(self, argv, ready, stdout=None):
        self.argv, self.ready, self.stdout = argv, ready, stdout

    def start(self, tmp):
        self.err = open(f"{tmp}/tracer.err", "w+", errors="replace")
        self.out = open(self.stdout, "w") if self.stdout else self.err
        self.output = ""
        t0 = time.monotonic()
        # The same locked-memory allowance for every tracer (bpftrace asks for it).
        hard = resource.getrlimit(resource.RLIMIT_MEMLOCK)[1]
        self.proc = subprocess.Popen(self.argv, stdout=self.out, stderr=self.err,
                                     stdin=subprocess.DEVNULL,
                                     preexec_fn=lambda: resource.setrlimit(
                                         resource.RLIMIT_MEMLOCK, (hard, hard)))
        Tracer.running.append(self.proc)
        while True:
            if callable(self.ready):
                if self.ready(self.proc):
                    break
            else:
                self.err.seek(0)
                if self.ready in self.err.read():
                    break
            if self.proc.poll() is not None or time.monotonic() - t0 > 30:
                self.err.seek(0)
                raise RuntimeError(f"{self.argv[0]} did not attach: {self.err.read()[-500:]}")
            time.sleep(0.0005)
        self.attach_ms = (time.monotonic() - t0) * 1000
        self.cpu0 = self.cpu_seconds()

    def cpu_seconds(self):
        """CPU time of its threads, to the nanosecond (schedstat's run time:
        utime and stime in /proc/PID/stat count whole clock ticks)."""
        ns = 0
        for tid in os.listdir(f"/proc/{self.proc.pid}/task"):
            try:
                with open(f"/proc/{self.proc.pid}/task/{tid}/schedstat") as f:
                    ns += int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                pass
        return ns / 1e9

    def stop(self):
        cpu = self.cpu_seconds() - self.cpu0
        with open(f"/proc/{self.proc.pid}/status") as f:
            hwm = [l for l in f if l.startswith("VmHWM")][0].split()[1]
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=60)
        self.err.seek(0)
        self.output = self.err.read()
        self.err.close()
        if self.out is not self.err:
            self.out.close()
        return cpu, int(hwm) / 1024


def blocked_in(*syscalls):
    """A readiness test: the process is blocked in one of these system calls
    (x86-64 numbers, as /proc/PID/syscall shows them)."""
    def test(proc):
        try:
            with open(f"/proc/{proc.pid}/syscall") as f:
                return f.read().split()[0] in syscalls
        except (OSError, IndexError):
            return False
    return test


def syscount_counted(output):
    """The calls syscount -P counted for the workload (its comm is rt-bench)."""
    for line in output.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] == "rt-bench" and f[2].isdigit():
            return int(f[2])
    return None


def ruletraces(args):
    """(label suffix, binary) of each ruletrace measured: this build's, and the base."""
    rts = [("", os.path.join(args.builddir, "ruletrace"))]
    if args.base_binary:
        rts.append((" [base]", args.base_binary))
    return rts


def twin(rows, rts, make):
    """Each of rows once per ruletrace of rts, the base's marked: (name, make(name, binary))."""
    for name in rows:
        for mark, rt in rts:
            yield (name + mark, make(name, rt))


def start_tracer(name, tracer, tmp):
    """Start tracer for configuration name; False (said, and killed) if it would not."""
    try:
        tracer.start(tmp)
    except RuntimeError as e:
        print(f"{name}: {e}", file=sys.stderr)
        tracer.proc.kill()
        return False
    return True


def configs(args, tmp):
    rts = ruletraces(args)
    ref = os.path.join(args.builddir, "bench", "bench-ref")
    count, by_pid, reject, reject_cg, many, stream, execs = rules_files(tmp)
    stdout_stream = write(f"{tmp}/stream-stdout.yaml",
                          "version: 1\noutputs:\n  o: { type: stdout, format: json }\n"
                          "rules:\n  - { name: s, probe: sys_enter, mode: stream,"
                          " filter: { comm: [rt-bench], syscalls: [getppid] }, outputs: [o] }\n")
    ready = "stop with Ctrl-C"
    summary = ["-j", f"{tmp}/summary.json"]
    rt_rows = {
        "4 ruletrace count": lambda b: Tracer([b, *summary, count], ready),
        "4 ruletrace count by pid": lambda b: Tracer([b, *summary, by_pid], ready),
        "5 ruletrace count, rejected": lambda b: Tracer([b, *summary, reject], ready),
        "5 ruletrace count, rejected by cgroup": lambda b: Tracer([b, *summary, reject_cg],
                                                                  ready),
        "6 ruletrace count, 64 rules": lambda b: Tracer([b, *summary, many], ready),
        "7 ruletrace stream to file": lambda b: Tracer([b, "--allow-loss", *summary, stream],
                                                       ready),
        # JSON lines on stdout, stdout /dev/null: the formatting without the file system.
        "7 ruletrace stream to /dev/null": lambda b: Tracer(
            [b, "--allow-loss", *summary, stdout_stream], ready, stdout=os.devnull),
    }
    c = [
        ("1 baseline", None),
        ("2 seed design", Tracer([ref, "seed"], "attached")),
        ("3 floor: percpu array", Tracer([ref, "floor_prog"], "attached")),
        ("3 plain percpu comm hash", Tracer([ref, "comm_hash"], "attached")),
        *twin(rt_rows, rts, lambda name, b: rt_rows[name](b)),
    ]
    bpftrace = shutil.which("bpftrace")
    if bpftrace:
        c.append(("8 bpftrace @[comm]=count()",
                  Tracer([bpftrace, "-e",
                          "tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }"],
                         "Attaching")))
    else:
        print("bpftrace not installed: configuration 8 skipped "
              "(apt-get install bpftrace, or scripts/deps.sh --bench, to include it)",
              file=sys.stderr)
    syscount, execsnoop = libbpf_tool("syscount"), libbpf_tool("execsnoop")
    if syscount:
        # It counts at sys_exit, by process (-P), and prints its table at SIGINT.
        # Its stdout is a file, so block-buffered: stdbuf makes the banner it
        # prints once attached visible at once (a line or two: no cost).
        c.append(("9 libbpf-tools syscount -P",
                  Tracer(["stdbuf", "-oL", syscount, "-P"], "Ctrl+C to quit")))
    if args.only:
        wanted = args.only.split(",")
        c = [x for x in c if x[0] == "1 baseline" or any(w in x[0] for w in wanted)]
    w2 = list(twin(["ruletrace execve stream"], rts,
                   lambda name, b: Tracer([b, *summary, execs], ready)))
    if execsnoop:
        # It prints its header before it opens its perf buffer, and its output goes
        # to a file (block-buffered, as anyone redirecting it gets): attached and
        # reading once it waits in its poll loop (epoll_wait or epoll_pwait).
        w2.append(("libbpf-tools execsnoop",
                   Tracer([execsnoop], blocked_in("232", "281", "441"),
                          stdout=f"{tmp}/execsnoop.out")))
    sweep = [(mark.strip() or "this build",
              Tracer([b, "--allow-loss", *summary, stream], ready)) for mark, b in rts]
    return c, w2, sweep


def libbpf_tool(name):
    """Debian's libbpf-tools (bookworm: 0.26) puts its tools in /usr/sbin under
    their plain names; bpfcc-tools' BCC ones are name-bpfcc, not these."""
    path = shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if not path:
        print(f"libbpf-tools' {name} not installed: its rows are skipped "
              "(apt-get install libbpf-tools, or scripts/deps.sh --bench, to include it)",
              file=sys.stderr)
    return path


def package_version(pkg):
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg],
                              capture_output=True, text=True).stdout or None
    except OSError:
        return None


def run_workload(args, kind, n, *more, want_pid=False):
    argv = [os.path.join(args.builddir, "bench", "bench-workload"), kind, str(n),
            *map(str, more)]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    out = proc.communicate()[0]
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, argv)
    fields = dict(line.split() for line in out.splitlines())
    value = (int(fields["calls"]), int(fields["ns"])) if kind == "paced" else int(fields["ns"])
    # The workload's pid: its children's parent, to pick its execs from a log.
    return (value, proc.pid) if want_pid else value


def exec_stream(args, tmp, tracers):
    """W2: fork+exec of /bin/true with no tracer, with ruletrace's execve stream
    to a JSON lines file and with libbpf-tools' execsnoop to a file, interleaved.
    Each log is checked for the workload's own execs (those whose parent is the
    workload): a tracer that drops events would look cheaper for a wrong reason."""
    cfgs = [("no tracer", None), *tracers]
    res = {name: {"ns": [], "cpu": [], "attach": [], "rss": [], "seen": [], "lost": []}
           for name, _ in cfgs}
    for rnd in range(args.rounds):
        for name, tracer in cfgs:
            if tracer:
                if "ruletrace" in name and os.path.exists(f"{tmp}/execs.jsonl"):
                    os.unlink(f"{tmp}/execs.jsonl")
                if not start_tracer(name, tracer, tmp):
                    continue
            ns, pid = run_workload(args, "exec", args.execs, want_pid=True)
            r = res[name]
            r["ns"].append(ns / args.execs)
            if not tracer:
                continue
            cpu, rss = tracer.stop()
            r["cpu"].append(cpu)
            r["attach"].append(tracer.attach_ms)
            r["rss"].append(rss)
            if "ruletrace" in name:
                r["seen"].append(jsonl_children(f"{tmp}/execs.jsonl", pid))
                r["lost"].append(summary_events(tmp)[1])
            else:
                r["seen"].append(execsnoop_children(tracer.stdout, pid))
                # libbpf-tools print "Lost N events on CPU #C!" to stderr.
                r["lost"].append(sum(int(l.split()[1]) for l in tracer.output.splitlines()
                                     if l.startswith("Lost ")))
        print(f"W2 round {rnd + 1}/{args.rounds} done", file=sys.stderr)

    base = med(res["no tracer"]["ns"])
    peer = "libbpf-tools execsnoop"
    peer_added = med(res[peer]["ns"]) - base if peer in res and res[peer]["ns"] else None
    print(f"\nW2: {args.execs} fork+exec of /bin/true, {args.rounds} interleaved rounds")
    print(f"{'configuration':32} {'ns/exec':>8} {'spread':>13} {'added':>7} {'x execsnoop':>11} "
          f"{'CPU us/exec':>11} {'attach ms':>9} {'RSS MB':>6}  workload's execs seen / lost")
    for name, _ in cfgs:
        r = res[name]
        if not r["ns"]:
            print(f"{name:32} did not run")
            continue
        ns = med(r["ns"])
        added = ns - base
        ratio = "-"
        if name != "no tracer" and peer_added and peer_added > 0:
            ratio = f"{added / peer_added:.2f}"
        cpu = f"{med(r['cpu']) * 1e6 / args.execs:.1f}" if r["cpu"] else "-"
        attach = f"{med(r['attach']):.1f}" if r["attach"] else "-"
        rss = f"{med(r['rss']):.1f}" if r["rss"] else "-"
        seen = ""
        if r["seen"]:
            seen = ", ".join(f"{'?' if s is None else s}/{'?' if l is None else l}"
                             for s, l in zip(r["seen"], r["lost"]))
            seen += f" of {args.execs} a round"
        print(f"{name:32} {ns:8.0f} {spread(r['ns']):>13} {added:7.0f} {ratio:>11} "
              f"{cpu:>11} {attach:>9} {rss:>6}  {seen}")
    print("  seen: the log's execs whose parent is the workload (every exec should be "
          "there); lost: the tracer's own count of events it dropped (all execs on the "
          "machine)")


def jsonl_children(path, ppid):
    """Events in ruletrace's JSON lines log whose ppid is the workload's pid."""
    n = 0
    try:
        with open(path, errors="replace") as f:
            for line in f:
                try:
                    if json.loads(line).get("ppid") == ppid:
                        n += 1
                except ValueError:
                    pass
    except OSError:
        return None
    return n


def execsnoop_children(path, ppid):
    """Lines of execsnoop's log (PCOMM PID PPID RET ARGS) whose PPID is the
    workload's pid."""
    n = 0
    # Other processes' argv is whatever bytes they passed: not always UTF-8.
    with open(path, errors="replace") as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 4 and fields[2] == str(ppid):
                n += 1
    return n


def stream_sweep(args, tmp, tracers):
    """Streaming to a file at offered rates: where losses start, and that every
    event past that rate is either delivered or counted as lost. With a base
    binary, each rate goes to each ruletrace in turn (the order alternating),
    so both see the same machine at the same time."""
    print(f"\nStreaming sweep: sys_enter stream of one comm's getppid to a JSON lines "
          f"file, {args.sweep_seconds} s per rate, default 1 MiB ring buffer, "
          f"{args.sweep_rounds} pass(es)")
    # A producer slowed by the tracer (its wakeups) takes longer than the
    # nominal seconds: rates are per second of the workload's own wall time.
    print(f"  {'tracer':10} {'offered/s':>10} {'calls':>10} {'delivered':>10} {'lost':>10} "
          f"{'achieved/s':>11} {'delivered/s':>12}  delivered + lost = calls")
    best = {name: [] for name, _ in tracers}
    for rnd in range(args.sweep_rounds):
        # The highest offered rate with nothing lost, and what the workload achieved there.
        top = {name: (0, 0) for name, _ in tracers}
        for i, rate in enumerate(args.sweep_rates):
            order = tracers if (i + rnd) % 2 == 0 else tracers[::-1]
            for name, tracer in order:
                tracer.start(tmp)
                calls, ns = run_workload(args, "paced", rate, args.sweep_seconds)
                tracer.stop()
                ev, lost = summary_events(tmp)
                exact = "yes" if ev is not None and ev + lost == calls else "NO"
                secs = ns / 1e9
                if ev is not None and lost == 0 and ev == calls and rate > top[name][0]:
                    top[name] = (rate, calls / secs)
                print(f"  {name:10} {rate:>10} {calls:>10} {ev:>10} {lost:>10} "
                      f"{calls / secs:>11.0f} {ev / secs:>12.0f}  {exact}")
        for name, _ in tracers:
            best[name].append(top[name])
    for name, _ in tracers:
        b = best[name]
        passes = ", ".join(f"{r} (achieved {a:.0f})" for r, a in b)
        print(f"  {name}: highest offered rate with nothing lost: {int(med([r for r, _ in b]))}/s"
              f" (median of {len(b)} pass(es): {passes})")


def machine():
    """What the figures were measured on: every figure is a ratio against one
    measured in the same run, but an absolute time goes with its machine."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    debian = ""
    try:
        with open("/etc/debian_version") as f:
            debian = f", Debian {f.read().strip()}"
    except OSError:
        pass
    peers = [f"{p} {v}" for p in ("bpftrace", "libbpf-tools")
             if (v := package_version(p))]
    return (f"machine: {model}, {os.cpu_count()} CPUs, kernel {os.uname().release}{debian}, "
            f"{time.strftime('%Y-%m-%d')}" + (f"; peers: {', '.join(peers)}" if peers else ""))


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def spread(xs, fmt="{:.0f}"):
    return f"{fmt.format(min(xs))}-{fmt.format(max(xs))}" if xs else "-"


def summary_events(tmp):
    try:
        with open(f"{tmp}/summary.json") as f:
            s = json.load(f)
        r = s["rules"][0]
        return r.get("events", 0), s["lost"]["total"]
    except (OSError, ValueError, KeyError, IndexError):
        return None, None


def main():
    try:
        run()
    finally:
        # Never leave a tracer attached: it would slow down everything after us.
        for proc in Tracer.running:
            if proc.poll() is None:
                proc.kill()


def run():
    args = parse_args()
    if os.geteuid() != 0:
        sys.exit("bench: needs root (BPF)")
    tmp = tempfile.mkdtemp(prefix="ruletrace-bench.")
    print(machine())
    print("command: " + " ".join(sys.argv))
    print(f"load average at start: {loadavg()}")
    cfgs, w2, sweep = configs(args, tmp)
    res = {name: {"ns": [], "cpu": [], "attach": [], "rss": [], "events": [], "lost": [],
                  "counted": [], "rate": [], "cpu_ev": []}
           for name, _ in cfgs}
    for rnd in range(args.rounds if "w1" in args.parts else 0):
        for name, tracer in cfgs:
            if tracer:
                if not start_tracer(name, tracer, tmp):
                    continue
            ns = run_workload(args, "getppid", args.calls)
            r = res[name]
            r["ns"].append(ns / args.calls)
            if tracer:
                cpu, rss = tracer.stop()
                r["cpu"].append(cpu)
                r["attach"].append(tracer.attach_ms)
                r["rss"].append(rss)
                if "ruletrace" in name:
                    ev, lost = summary_events(tmp)
                    if ev is not None:
                        r["events"].append(ev)
                        r["lost"].append(lost)
                        if "stream" in name and ev:
                            # Delivered a second of the workload, and the tracer's
                            # CPU an event: what the consumer keeps up with.
                            r["rate"].append(ev / (ns / 1e9))
                            r["cpu_ev"].append(cpu * 1e9 / ev)
                elif "syscount" in name:
                    n = syscount_counted(tracer.output)
                    if n is not None:
                        r["counted"].append(n)
        print(f"round {rnd + 1}/{args.rounds} done", file=sys.stderr)

    if "w1" in args.parts:
        w1_table(args, cfgs, res)
    if "w2" in args.parts:
        exec_stream(args, tmp, w2)
    if "sweep" in args.parts:
        stream_sweep(args, tmp, sweep)
    # Anything else running on the machine meanwhile widens the spreads.
    print(f"\nload average at end: {loadavg()}")
    shutil.rmtree(tmp, ignore_errors=True)


def w1_table(args, cfgs, res):
    base = med(res["1 baseline"]["ns"])
    floor_name = "3 floor: percpu array"
    floor = med(res[floor_name]["ns"]) - base if floor_name in res else float("nan")
    uname = os.uname()
    print(f"\nW1: {args.calls} getppid calls, {args.rounds} interleaved rounds, "
          f"{os.cpu_count()} CPUs, kernel {uname.release}")
    print(f"{'configuration':32} {'ns/call':>8} {'spread':>11} {'added':>7} {'x floor':>7} "
          f"{'CPU s':>6} {'attach ms':>9} {'RSS MB':>6}  events / lost")
    for name, _ in cfgs:
        r = res[name]
        ns = med(r["ns"])
        added = ns - base
        ratio = "-"
        if name != "1 baseline" and floor == floor and floor > 0:
            ratio = f"{added / floor:.2f}"
        cpu = f"{med(r['cpu']):.2f}" if r["cpu"] else "-"
        attach = f"{med(r['attach']):.1f}" if r["attach"] else "-"
        rss = f"{med(r['rss']):.1f}" if r["rss"] else "-"
        ev = f"{int(med(r['events']))} / {int(med(r['lost']))}" if r["events"] else ""
        if r["counted"]:
            ev = f"rt-bench: {int(med(r['counted']))} counted"
        if r["rate"]:
            ev += (f"; delivered/s {med(r['rate']) / 1e6:.3f} M ({spread(r['rate'], '{:.0f}')}),"
                   f" CPU ns/event {med(r['cpu_ev']):.0f} ({spread(r['cpu_ev'])})")
        print(f"{name:32} {ns:8.1f} {spread(r['ns']):>11} {added:7.1f} {ratio:>7} "
              f"{cpu:>6} {attach:>9} {rss:>6}  {ev}")


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


if __name__ == "__main__":
    main()
