#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""bench/run.py - ruletrace's cost side by side with its peers, in one run.

Every configuration runs the same workloads (bench/workload.c) interleaved
(A B C A B C ...) for --rounds rounds; each figure is the median with its spread
(min-max), and ratios compare figures from the same run. Nothing here passes or
fails: it prints a table. Run as root from a built tree: make bench.
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
    p.add_argument("--execs", type=int, default=500, help="W2 fork+execs")
    p.add_argument("--only", default="", help="comma-separated configuration names")
    p.add_argument("--sweep-seconds", type=int, default=2, help="streaming sweep: seconds a rate")
    p.add_argument("--sweep-rates", type=lambda s: [int(x) for x in s.split(",")],
                   default=[200000, 400000, 800000, 1200000, 1600000, 2400000, 3200000],
                   help="streaming sweep: offered getppid calls a second")
    return p.parse_args()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def rules_files(tmp):
    """The rule files of configurations 4 to 7."""
    count = write(f"{tmp}/count.yaml",
                  "version: 1\nrules:\n  - { name: c, probe: sys_enter }\n")
    reject = write(f"{tmp}/reject.yaml",
                   "version: 1\nrules:\n  - { name: c, probe: sys_enter,"
                   " filter: { comm: [no-such-comm] } }\n")
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
    return count, reject, many, stream, execs


class Tracer:
    """A tracer process started before a workload and stopped after it."""

    running = []

    def __init__(self, argv, ready):
        self.argv, self.ready = argv, ready

    def start(self, tmp):
        self.err = open(f"{tmp}/tracer.err", "w+")
        t0 = time.monotonic()
        # The same locked-memory allowance for every tracer (bpftrace asks for it).
        hard = resource.getrlimit(resource.RLIMIT_MEMLOCK)[1]
        self.proc = subprocess.Popen(self.argv, stdout=self.err, stderr=self.err,
                                     stdin=subprocess.DEVNULL,
                                     preexec_fn=lambda: resource.setrlimit(
                                         resource.RLIMIT_MEMLOCK, (hard, hard)))
        Tracer.running.append(self.proc)
        while True:
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
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        cpu = self.cpu_seconds() - self.cpu0
        with open(f"/proc/{self.proc.pid}/status") as f:
            hwm = [l for l in f if l.startswith("VmHWM")][0].split()[1]
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=60)
        self.err.close()
        return cpu, int(hwm) / 1024


def configs(args, tmp):
    rt = os.path.join(args.builddir, "ruletrace")
    ref = os.path.join(args.builddir, "bench", "bench-ref")
    count, reject, many, stream, execs = rules_files(tmp)
    ready = "stop with Ctrl-C"
    summary = ["-j", f"{tmp}/summary.json"]
    c = [
        ("1 baseline", None),
        ("2 seed design", Tracer([ref, "seed"], "attached")),
        ("3 floor: percpu array", Tracer([ref, "floor_prog"], "attached")),
        ("3 plain percpu comm hash", Tracer([ref, "comm_hash"], "attached")),
        ("4 ruletrace count", Tracer([rt, *summary, count], ready)),
        ("5 ruletrace count, rejected", Tracer([rt, *summary, reject], ready)),
        ("6 ruletrace count, 64 rules", Tracer([rt, *summary, many], ready)),
        ("7 ruletrace stream to file", Tracer([rt, "--allow-loss", *summary, stream], ready)),
    ]
    bpftrace = shutil.which("bpftrace")
    if bpftrace:
        c.append(("8 bpftrace @[comm]=count()",
                  Tracer([bpftrace, "-e",
                          "tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }"],
                         "Attaching")))
    else:
        print("bpftrace not installed: configuration 8 skipped "
              "(apt-get install bpftrace to include it)", file=sys.stderr)
    if args.only:
        wanted = args.only.split(",")
        c = [x for x in c if x[0] == "1 baseline" or any(w in x[0] for w in wanted)]
    return c, Tracer([rt, *summary, execs], ready), \
        Tracer([rt, "--allow-loss", *summary, stream], ready)


def run_workload(args, kind, n, *more):
    out = subprocess.run([os.path.join(args.builddir, "bench", "bench-workload"), kind, str(n),
                          *map(str, more)],
                         check=True, capture_output=True, text=True).stdout
    fields = dict(line.split() for line in out.splitlines())
    return int(fields["calls"]) if kind == "paced" else int(fields["ns"])


def stream_sweep(args, tmp, tracer):
    """Streaming to a file at offered rates: where losses start, and that every
    event past that rate is either delivered or counted as lost."""
    print(f"\nStreaming sweep: sys_enter stream of one comm's getppid to a JSON lines "
          f"file, {args.sweep_seconds} s per rate, default 1 MiB ring buffer")
    print(f"  {'offered/s':>10} {'calls':>10} {'delivered':>10} {'lost':>10} "
          f"{'delivered/s':>12}  delivered + lost = calls")
    best = 0
    for rate in args.sweep_rates:
        tracer.start(tmp)
        calls = run_workload(args, "paced", rate, args.sweep_seconds)
        tracer.stop()
        ev, lost = summary_events(tmp)
        exact = "yes" if ev is not None and ev + lost == calls else "NO"
        if ev is not None and lost == 0 and ev == calls:
            best = max(best, rate)
        print(f"  {rate:>10} {calls:>10} {ev:>10} {lost:>10} "
              f"{ev / args.sweep_seconds:>12.0f}  {exact}")
    print(f"  highest offered rate with nothing lost: {best}/s")


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
    cfgs, exec_tracer, stream_tracer = configs(args, tmp)
    res = {name: {"ns": [], "cpu": [], "attach": [], "rss": [], "events": [], "lost": []}
           for name, _ in cfgs}
    for rnd in range(args.rounds):
        for name, tracer in cfgs:
            if tracer:
                try:
                    tracer.start(tmp)
                except RuntimeError as e:
                    print(f"{name}: {e}", file=sys.stderr)
                    tracer.proc.kill()
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
        print(f"round {rnd + 1}/{args.rounds} done", file=sys.stderr)

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
        print(f"{name:32} {ns:8.1f} {spread(r['ns']):>11} {added:7.1f} {ratio:>7} "
              f"{cpu:>6} {attach:>9} {rss:>6}  {ev}")

    # W2: the execve stream at the highest exec rate this machine reaches.
    base_ns, rt_ns, delivered = [], [], []
    for _ in range(args.rounds):
        base_ns.append(run_workload(args, "exec", args.execs) / args.execs)
        exec_tracer.start(tmp)
        rt_ns.append(run_workload(args, "exec", args.execs) / args.execs)
        exec_tracer.stop()
        with open(f"{tmp}/summary.json") as f:
            s = json.load(f)
        delivered.append((s["rules"][0]["events"], s["lost"]["total"]))
    print(f"\nW2: {args.execs} fork+exec of /bin/true, {args.rounds} interleaved rounds")
    print(f"  baseline            {med(base_ns) / 1000:8.1f} us/exec  ({spread(base_ns, '{:.0f}')} ns)")
    print(f"  ruletrace execve    {med(rt_ns) / 1000:8.1f} us/exec  "
          f"(+{(med(rt_ns) - med(base_ns)) / 1000:.1f} us, "
          f"{1e9 / med(rt_ns):.0f} execs/s)")
    print("  execs delivered / lost per round (all execs on the machine, the "
          f"workload's {args.execs} among them): "
          + ", ".join(f"{d}/{l}" for d, l in delivered))
    stream_sweep(args, tmp, stream_tracer)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
