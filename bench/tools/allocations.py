#!/usr/bin/env python3
"""Where a JVM proxy's allocation goes, from an async-profiler allocation profile in collapsed form with byte totals
(run.sh PROFILE=alloc).

Usage: allocations.py proxy-alloc.collapsed [kb_per_request]

Prints the bytes by allocated type, by allocating frame (the deepest frame outside the JDK's own packages, so that
a HashMap made by Spring counts for Spring's frame) and by the deepest gateway frame (io/llmgateway/...). Given the
proxy's allocation per request over the profiled runs (run.sh measures it with the JVM's own counters), each line
also says its KB per request.
"""
import collections
import re
import sys

JDK = re.compile(r"^(java/|javax/|jdk/|sun/|com/sun/|\[|Interpreter|call_stub|JavaCalls|thread_native_entry)")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    per_request_kb = float(sys.argv[2]) if len(sys.argv) > 2 else None
    by_type, by_frame, by_gateway = collections.Counter(), collections.Counter(), collections.Counter()
    total = 0
    with open(sys.argv[1]) as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack:
                continue
            size = int(count)
            frames = stack.split(";")
            allocated = re.sub(r"_\[[ik]\]$", "", frames[-1])
            calls = frames[:-1]
            total += size
            by_type[allocated] += size
            outside = next((fr for fr in reversed(calls) if not JDK.match(fr)), calls[-1] if calls else "?")
            by_frame[outside] += size
            gateway = next((fr for fr in reversed(calls) if fr.startswith("io/llmgateway/")), "(no gateway frame)")
            by_gateway[gateway] += size
    if total == 0:
        sys.exit("no allocation samples")

    def show(title, counter, top):
        print(f"  {title}:")
        for name, size in counter.most_common(top):
            share = size / total
            kb = f"{share * per_request_kb:6.2f} KB" if per_request_kb is not None else ""
            print(f"    {100 * share:5.1f} %  {kb}  {name}")

    show("by type", by_type, 15)
    show("by allocating frame (outside the JDK)", by_frame, 30)
    show("by deepest gateway frame", by_gateway, 20)


main()
