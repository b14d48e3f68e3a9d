#!/usr/bin/env bash
# JMH microbenchmarks of the per-request hot spots (bench/jmh): authentication, the JSON of a request and its
# answer, prompt token counting, SSE parsing. Builds the gateway's modules first (install, no tests), then the
# benchmarks, and runs them: one fork, 3 warm-up and 5 measured iterations of 2 s each unless JMH_ARGS says
# otherwise (e.g. JMH_ARGS="-f 3 Authentication" for more forks of one class). Results: bench/results/jmh-<time>.txt.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JMH_ARGS=${JMH_ARGS:-}
"$ROOT/mvnw" -B -q -ntp -f "$ROOT/pom.xml" -DskipTests install -pl gateway-core,auth,provider-adapters/provider-adapter-openai -am
"$ROOT/mvnw" -B -q -ntp -f "$ROOT/bench/jmh/pom.xml" package
mkdir -p "$ROOT/bench/results"
out="$ROOT/bench/results/jmh-$(date -u +%Y%m%dT%H%M%SZ).txt"
# the defaults, each unless JMH_ARGS gives that option itself (JMH refuses an option given twice)
defaults=()
for option in "-f 1" "-wi 3" "-w 2s" "-i 5" "-r 2s"; do
    [[ " $JMH_ARGS " == *" ${option%% *} "* ]] || defaults+=(${option})
done
# shellcheck disable=SC2086
java -cp "$ROOT/bench/jmh/target/gateway-jmh-0.1.0-SNAPSHOT.jar:$(cat "$ROOT/bench/jmh/target/classpath.txt")" \
    org.openjdk.jmh.Main "${defaults[@]}" ${JMH_ARGS} | tee "$out"
echo "results: $out"
