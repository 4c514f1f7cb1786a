#!/usr/bin/env python3
"""Per-operation allocation counts from the class histograms of histograms.sh (Epsilon GC: every object ever
allocated is still in the heap, so the growth between two histograms is exactly what was allocated in between).

    histdiff.py HISTDIR [--top N]

Intervals are assigned to a phase by their markers: Release grows only in the facade's phase (one per operation),
HikariProxyConnection in both (one per borrow). The first and the last interval of each phase (warm-up, start-up and
teardown) are dropped; the rest are summed and divided by the marker's growth.
"""
import glob
import os
import re
import sys

RELEASE = "io.sluice.protocols.permit.Release"
BORROW = "com.zaxxer.hikari.pool.HikariProxyConnection"
LINE = re.compile(r"^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)")


def load(path):
    classes = {}
    stamp = None
    with open(path) as f:
        for line in f:
            m = LINE.match(line)
            if m:
                count, size, name = int(m.group(1)), int(m.group(2)), m.group(3)
                old = classes.get(name, (0, 0))
                classes[name] = (old[0] + count, old[1] + size)
            elif line.startswith("time "):
                stamp = float(line.split()[1])
    return stamp, classes


def diff(a, b):
    out = {}
    for name, (count, size) in b.items():
        c0, s0 = a.get(name, (0, 0))
        if count != c0 or size != s0:
            out[name] = (count - c0, size - s0)
    return out


def main():
    directory = sys.argv[1]
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 40
    snaps = [load(p) for p in sorted(glob.glob(os.path.join(directory, "*.hist")))]
    intervals = {"facade": [], "bare": []}
    for (t0, a), (t1, b) in zip(snaps, snaps[1:]):
        d = diff(a, b)
        released = d.get(RELEASE, (0, 0))[0]
        borrowed = d.get(BORROW, (0, 0))[0]
        if released > 0:
            intervals["facade"].append((t1 - t0, released, d))
        elif borrowed > 0:
            intervals["bare"].append((t1 - t0, borrowed, d))
    results = {}
    for phase, items in intervals.items():
        steady = items[1:-1] if len(items) > 2 else items
        total = {}
        ops = sum(i[1] for i in steady)
        for _, _, d in steady:
            for name, (count, size) in d.items():
                c, s = total.get(name, (0, 0))
                total[name] = (c + count, s + size)
        results[phase] = (ops, total)
        borrows = total.get(BORROW, (0, 0))[0]
        print(f"{phase}: {len(steady)} of {len(items)} intervals, {ops} operations ({borrows} borrows),"
              f" {sum(s for _, s in total.values()) / max(ops, 1):.0f} B/op,"
              f" {sum(c for c, _ in total.values()) / max(ops, 1):.1f} objects/op")
    f_ops, f_total = results["facade"]
    b_ops, b_total = results["bare"]
    names = set(f_total) | set(b_total)
    rows = []
    for name in names:
        fc, fs = f_total.get(name, (0, 0))
        bc, bs = b_total.get(name, (0, 0))
        rows.append((name, fc / max(f_ops, 1), fs / max(f_ops, 1), bc / max(b_ops, 1), bs / max(b_ops, 1)))
    print("\nper operation: facade objects, facade bytes | bare objects, bare bytes | extra bytes  class"
          " (sorted by extra bytes)")
    for name, fc, fs, bc, bs in sorted(rows, key=lambda r: -(r[2] - r[4]))[:top]:
        print(f"  {fc:6.2f} {fs:7.1f} | {bc:6.2f} {bs:7.1f} | {fs - bs:+7.1f}  {name}")
    fsum = sum(r[2] for r in rows)
    bsum = sum(r[4] for r in rows)
    fcount = sum(r[1] for r in rows)
    bcount = sum(r[3] for r in rows)
    print(f"  {fcount:6.2f} {fsum:7.1f} | {bcount:6.2f} {bsum:7.1f} | {fsum - bsum:+7.1f}  TOTAL")


main()
