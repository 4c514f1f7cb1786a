#!/usr/bin/env python3
"""Per-operation context switches and CPU time by thread role, for PostgreSQL and for the rest of the machine, from
procsample.py's samples, in each phase's measured window (found as RoundTripProfile.java finds it: the first JDBC
dispatcher thread, or the first pool-N-thread-M thread, + warm-up).

    procstat.py SAMPLES.jsonl RUNNER-OUTPUT.txt
"""
import json
import re
import sys

TICK_US = 10_000  # USER_HZ = 100


def role(comm):
    if comm.startswith("bench-sluice.jd"):
        return "jdbc dispatcher"
    if comm.startswith("bench-akka.acto"):
        return "akka dispatchers (supervisor, replies)"
    if comm.startswith("bench-scheduler"):
        return "akka scheduler"
    if comm.startswith("CompletableFutu"):
        return "CF delayer (orTimeout)"
    if re.match(r"pool-\d+-thread", comm):
        return "bare requester threads"
    if comm.startswith(("C1 Compiler", "C2 Compiler")):
        return "JIT"
    if comm.startswith(("GC Thread", "G1 ", "VM Thread")):
        return "GC + VM"
    return "other JVM threads"


def series(samples, get):
    """{entity: [(t, vector)]} of every entity get(sample) returns ({id: vector})."""
    out = {}
    for s in samples:
        for key, vector in get(s).items():
            out.setdefault(key, []).append((s["t"], vector))
    return out


def value_at(points, t):
    """A counter vector at time t: interpolated between samples, held before the first and after the last."""
    if t <= points[0][0]:
        return points[0][1]
    if t >= points[-1][0]:
        return points[-1][1]
    for (t0, a), (t1, b) in zip(points, points[1:]):
        if t0 <= t <= t1:
            w = 0 if t1 == t0 else (t - t0) / (t1 - t0)
            return [x + w * (y - x) for x, y in zip(a, b)]


def growth(points, start, end):
    return [y - x for x, y in zip(value_at(points, start), value_at(points, end))]


def main():
    samples = [json.loads(line) for line in open(sys.argv[1])]
    out = open(sys.argv[2]).read()
    seconds, warmup = map(int, re.search(r"(\d+) s measured after (\d+) s warm-up", out).groups())
    conc, facade_rate, bare_rate = map(int, re.search(
        r"concurrency\s+(\d+): Sluice permits\s+(\d+) ops/s \| bare HikariCP\s+(\d+) ops/s", out).groups())
    phases = []
    for name, pattern, rate in (("Sluice facade", r"^bench-sluice\.jd", facade_rate),
                                ("bare HikariCP", r"^pool-\d+-thread", bare_rate)):
        first = next(s["t"] for s in samples if any(re.match(pattern, v[0]) for v in s["threads"].values()))
        phases.append((name, first + warmup, first + warmup + seconds, rate * seconds))
    threads = series(samples, lambda s: {tid: v[1:] for tid, v in s["threads"].items()})
    names = {}
    for s in samples:
        for tid, v in s["threads"].items():
            names.setdefault(tid, v[0])
    pg = series(samples, lambda s: {pid: v[1:] for pid, v in s.get("pg", {}).items()})
    mine = {pid for s in samples for pid, v in s.get("pg", {}).items() if v[0]}
    machine = [(s["t"], list(s["machine"])) for s in samples]
    for name, start, end, ops in phases:
        print(f"\n{name} (concurrency {conc}): {ops:.0f} ops in {seconds} s")
        by_role = {}
        for tid, points in threads.items():
            if points[-1][0] < start or points[0][0] > end:
                continue
            g = growth(points, start, end)
            acc = by_role.setdefault(role(names[tid]), [0, 0, 0, 0, 0])
            for i in range(4):
                acc[i] += g[i]
            acc[4] += 1
        print("  per op:   vol.sw  invol.sw   user µs   sys µs  (threads)  role")
        rows = sorted(by_role.items(), key=lambda kv: -(kv[1][2] + kv[1][3]))
        for r, (vol, invol, ut, st, n) in rows:
            print(f"          {vol / ops:7.2f}  {invol / ops:7.2f}  {ut * TICK_US / ops:8.1f}  {st * TICK_US / ops:7.1f}"
                  f"  ({n:3d})  {r}")
        tot = [sum(v[i] for v in by_role.values()) for i in range(4)]
        jvm_ticks = tot[2] + tot[3]
        print(f"          {tot[0] / ops:7.2f}  {tot[1] / ops:7.2f}  {tot[2] * TICK_US / ops:8.1f}"
              f"  {tot[3] * TICK_US / ops:7.1f}         whole JVM")
        pg_all = [0, 0, 0, 0]
        pg_mine = [0, 0, 0, 0]
        for pid, points in pg.items():
            if points[-1][0] < start or points[0][0] > end:
                continue
            g = growth(points, start, end)
            pg_all = [a + b for a, b in zip(pg_all, g)]
            if pid in mine:
                pg_mine = [a + b for a, b in zip(pg_mine, g)]
        if mine:
            print(f"          {pg_mine[0] / ops:7.2f}  {pg_mine[1] / ops:7.2f}  {pg_mine[2] * TICK_US / ops:8.1f}"
                  f"  {pg_mine[3] * TICK_US / ops:7.1f}         PostgreSQL backends of this JVM")
        print(f"          {pg_all[0] / ops:7.2f}  {pg_all[1] / ops:7.2f}  {pg_all[2] * TICK_US / ops:8.1f}"
              f"  {pg_all[3] * TICK_US / ops:7.1f}         all PostgreSQL processes (other sessions' too)")
        ctxt, busy, total = growth(machine, start, end)
        pg_ticks = pg_all[2] + pg_all[3]
        others = busy - jvm_ticks - pg_ticks
        print(f"  machine: {ctxt / ops:.1f} context switches/op ({ctxt / seconds:,.0f}/s); CPU busy {100 * busy / total:.0f} %"
              f" = this JVM {100 * jvm_ticks / total:.0f} % + PostgreSQL {100 * pg_ticks / total:.0f} %"
              f" + other processes {100 * others / total:.0f} %")


main()
