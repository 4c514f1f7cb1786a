#!/usr/bin/env python3
"""Writes a copy of the JDK's profile.jfc with the settings the round-trip profile needs.

    jfc.py PROFILE_JFC OUT_JFC cpu-alloc|park
"""
import sys
import xml.etree.ElementTree as ET

src, out, kind = sys.argv[1:4]
common = {
    "jdk.ThreadAllocationStatistics": {"period": "1000 ms"},  # exact per-thread allocation, once a second
    "jdk.ThreadCPULoad": {"period": "1000 ms"},
    "jdk.ThreadContextSwitchRate": {"period": "1000 ms"},
    "jdk.CPULoad": {"period": "1000 ms"},
}
extra = {
    # denser CPU and allocation sampling than profile's 10 ms / 300 per second
    "cpu-alloc": {"jdk.ExecutionSample": {"period": "2 ms"}, "jdk.NativeMethodSample": {"period": "10 ms"},
                  "jdk.ObjectAllocationSample": {"throttle": "3000/s"}},
    # every park, monitor wait and monitor enter, however short; no sampling (it would only add noise)
    "park": {"jdk.ThreadPark": {"threshold": "0 ms"}, "jdk.JavaMonitorWait": {"threshold": "0 ms"},
             "jdk.JavaMonitorEnter": {"threshold": "0 ms"}, "jdk.ExecutionSample": {"enabled": "false"},
             "jdk.NativeMethodSample": {"enabled": "false"}, "jdk.ObjectAllocationSample": {"enabled": "false"}},
}[kind]
settings = {**common, **extra}
tree = ET.parse(src)
for event in tree.getroot().iter("event"):
    for setting in event.iter("setting"):
        value = settings.get(event.get("name"), {}).get(setting.get("name"))
        if value is not None:
            setting.text = value
tree.write(out)
