#!/usr/bin/env python3
"""The gateway's CPU by stage, from an async-profiler CPU profile in collapsed form (run.sh PROFILE=async).

Usage: stages.py gateway-cpu.collapsed [cpu_us_per_request]

Every sample is given to one stage: the stage of the deepest gateway frame (io/llmgateway/...) on its stack, so
that the library work a stage asks for (Jackson parsing the upstream's answer, R2DBC writing the ledger, Caffeine
answering a key) counts for that stage. Samples without a gateway frame are the server's and the client's own
work (Reactor Netty, Spring WebFlux's dispatch and the request body's decoding, Spring Security's filter chain,
Reactor's operators), or the JVM's (JIT compiler, GC). Given the gateway's CPU time per request over the profiled
runs (run.sh measures it), it also prints each stage's microseconds of CPU per request.
"""
import collections
import re
import sys

# (stage, pattern on the deepest gateway frame), first match wins
STAGES = [
    ("authentication", r"^io/llmgateway/(auth/|app/security/)"),
    ("validation (profile, context length)", r"^io/llmgateway/core/(profile|tokens)/|/ChatCompletionService/check$"),
    ("admission (limits, budgets)", r"^io/llmgateway/app/limits/"),
    ("usage ledger (records, batch writes)", r"^io/llmgateway/app/usage/(UsageLedger|UsageWriter|UsageRecord)"),
    ("usage meter and metrics", r"^io/llmgateway/app/usage/"),
    ("upstream call (routing, resilience, client, answer parsing)",
     r"^io/llmgateway/(provider/|app/routing/)"),
    ("request and answer (de)serialisation, controller", r"^io/llmgateway/(app/api/|core/protocol/)"),
    ("the model-call pipeline (checks, admission order, metering, answer editing)",
     r"^io/llmgateway/(app/pipeline/|core/answer/)"),
    ("retrieval", r"^io/llmgateway/(app/retrieval/|retrieval/|rag/)"),
    ("identity and limit caches' upkeep", r"^io/llmgateway/app/(identity|persistence)/"),
    ("other gateway code", r"^io/llmgateway/"),
]
# samples without a gateway frame: the JVM's threads, else the library of the nearest frame that is not the JDK's:
# the library whose own code was running
JVM_THREADS = [
    ("JIT compiler", r"Compiler|^\[C\d"),
    ("garbage collector", r"GC|^\[G1"),
]
LIBRARIES = [
    ("Reactor's operators (subscribing, signalling, contexts)", r"^reactor/core/"),
    ("metrics and tracing (Micrometer, OpenTelemetry)", r"^io/(micrometer|opentelemetry)/"),
    ("PostgreSQL driver (R2DBC)", r"^io/r2dbc/|^org/springframework/r2dbc/"),
    ("Spring Security's filter chain", r"^org/springframework/security/"),
    ("request body decoding and JSON (Spring codecs, Jackson)", r"^org/springframework/(http/codec|core/codec)/|^tools/jackson/"),
    ("upstream HTTP client (WebClient, Reactor Netty client)",
     r"^org/springframework/web/reactive/function/client/|^reactor/netty/(http/client|resources)/"),
    ("WebFlux dispatch (filters, handler mapping, arguments)",
     r"^org/springframework/(web|http/server|core|util)/"),
    ("HTTP server and socket I/O (Reactor Netty, Netty)", r"^(io/netty|reactor/netty)/"),
]
JDK = r"^(java/|jdk/|sun/)|stub|_\[k\]$|^\["
NATIVE = r"^[A-Za-z_][A-Za-z0-9_@.]*$"  # a C function: libc's socket calls, epoll


# Netty handlers of the gateway's that only look at a message and pass it on: everything the server does with the
# request runs inside their channelRead, so they would otherwise take the whole request's samples
PASS_THROUGH = r"^io/llmgateway/app/(config/RequestArrival/channelRead|error/MalformedRequests/(channelRead|write))$"


def stage_of(frames):
    thread = frames[0]
    for frame in reversed(frames[1:]):
        name = frame.replace(".", "/")
        if name.startswith("io/llmgateway/") and not re.search(PASS_THROUGH, name):
            for stage, pattern in STAGES:
                if re.search(pattern, name):
                    return stage
    for stage, pattern in JVM_THREADS:
        if re.search(pattern, thread):
            return stage
    for frame in reversed(frames[1:]):
        name = frame.replace(".", "/")
        if re.search(JDK, name):
            continue
        if re.match(NATIVE, frame) and not frame.startswith(("JVM_", "Unsafe_")):
            return "system calls (socket reads and writes, epoll)"
        if "::" in frame or frame.startswith(("JVM_", "Unsafe_")):
            return "the JVM's runtime (allocation, stack traces, locks)"
        for stage, pattern in LIBRARIES:
            if re.search(pattern, name):
                return stage
        return "other libraries (Spring Boot's loader, logging, ...)"
    return "the JDK and the kernel only"


SECURITY = ("org/springframework/security/", "io/llmgateway/auth/", "io/llmgateway/app/security/")
AFTER_SECURITY = ("org/springframework/web/reactive/DispatcherHandler", "io/llmgateway/app/config/BodySizeLimitFilter",
                  "io/llmgateway/app/api/", "io/llmgateway/app/embeddings/", "io/llmgateway/app/retrieval/")


def is_security(frames):
    """Whether a sample is Spring Security's or the key check's own work, not the request it let through."""
    names = [frame.replace(".", "/") for frame in frames[1:]]
    return (any(name.startswith(SECURITY) for name in names)
            and not any(name.startswith(AFTER_SECURITY) for name in names))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    per_request = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    totals = collections.Counter()
    samples = 0
    security = 0
    with open(sys.argv[1]) as profile:
        for line in profile:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack:
                continue
            n = int(count)
            samples += n
            frames = stack.split(";")
            totals[stage_of(frames)] += n
            if is_security(frames):
                security += n
    if samples == 0:
        sys.exit("no samples in " + sys.argv[1])
    print(f"{'stage':<66} {'share':>7}" + (f" {'us/req':>8}" if per_request else ""))
    for stage, n in totals.most_common():
        line = f"{stage:<66} {100 * n / samples:6.1f}%"
        if per_request:
            line += f" {per_request * n / samples:8.1f}"
        print(line)
    print(f"{samples} samples")
    # authentication's whole cost: the gateway's key check and Spring Security's machinery around it (firewall,
    # chain matching, the chain's filters, the operators between them), but not what runs after the chain
    print(f"authentication with Spring Security's chain around it: {100 * security / samples:.1f}% of the CPU"
          + (f", {per_request * security / samples:.1f} us per request" if per_request else ""))


if __name__ == "__main__":
    main()
