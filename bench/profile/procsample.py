#!/usr/bin/env python3
"""Samples per-thread context switches and CPU ticks of the running benchmark JVM, plus PostgreSQL's processes and the
whole machine, every 0.25 s, as JSON lines; stops when the JVM exits. Thread names are the kernel's (15 characters).

    bench/profile/procsample.py OUT.jsonl TAG    (TAG: a string only this JVM's command line contains)
"""
import json, os, sys, time

out_path = sys.argv[1]
pattern = sys.argv[2]


def find_jvm():
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().split(b"\0")
        except OSError:
            continue
        if cmd and cmd[0].endswith(b"java") and any(pattern.encode() in part for part in cmd):
            return int(pid)
    return None


def task_counters(path):
    """(voluntary, involuntary switches, utime ticks, stime ticks) of one task or process."""
    vol = invol = 0
    with open(path + "/status") as f:
        for line in f:
            if line.startswith("voluntary_ctxt_switches"):
                vol = int(line.split()[1])
            elif line.startswith("nonvoluntary_ctxt_switches"):
                invol = int(line.split()[1])
    with open(path + "/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return vol, invol, int(fields[11]), int(fields[12])


def jvm_ports(pid):
    """Local ports of the JVM's TCP connections to PostgreSQL (port 5432)."""
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    except OSError:
        return set()
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[9] in inodes and fields[2].endswith(":1538"):
                        ports.add(int(fields[1].rsplit(":", 1)[1], 16))
        except OSError:
            pass
    return ports


def postgres(ports):
    """Counters of every PostgreSQL process: {pid: [mine, vol, invol, utime, stime]}; mine = a backend of this JVM."""
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() not in ("postgres", "postmaster"):
                    continue
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                title = f.read().decode(errors="replace")
            mine = any(f"({port})" in title for port in ports)
            out[pid] = [mine, *task_counters(f"/proc/{pid}")]
        except OSError:
            continue
    return out


def machine():
    """(context switches, busy ticks, all ticks) of the whole machine since boot."""
    ctxt = busy = total = 0
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("ctxt"):
                ctxt = int(line.split()[1])
            elif line.startswith("cpu "):
                ticks = [int(v) for v in line.split()[1:]]
                total = sum(ticks[:8])
                busy = total - ticks[3] - ticks[4]
    return ctxt, busy, total


deadline = time.time() + 600  # run.sh builds first
pid = None
while pid is None and time.time() < deadline:
    pid = find_jvm()
    time.sleep(0.05)
if pid is None:
    sys.exit("no benchmark JVM found")
with open(out_path, "w") as out:
    while os.path.exists(f"/proc/{pid}"):
        now = time.time()
        threads = {}
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                try:
                    with open(f"/proc/{pid}/task/{tid}/comm") as f:
                        name = f.read().strip()
                    threads[tid] = [name, *task_counters(f"/proc/{pid}/task/{tid}")]
                except OSError:
                    pass
        except OSError:
            break
        out.write(json.dumps({"t": now, "machine": machine(), "pg": postgres(jvm_ports(pid)),
                              "threads": threads}) + "\n")
        time.sleep(0.25)
