#!/usr/bin/env bash
# Retrieval benchmark: ingestion throughput (chunks/s through chunking and the local embedding model) and hybrid
# search latency (p50/p95) over 50,000 chunks. See bench/README.md. Knobs: CHUNKS=50000, EMBED_SAMPLE=256,
# QUERIES=300. Builds the rag module (offline) when needed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
./mvnw -q -B -ntp -pl rag -am install -DskipTests -Djacoco.skip=true
./mvnw -q -B -ntp -pl rag dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=runtime
CP="$ROOT/rag/target/classes:$(cat "$WORK/cp.txt")"
DJL_CACHE_DIR="$WORK/djl" java -Xmx2g -Dai.djl.offline=true -Djava.io.tmpdir="$WORK" \
    -Dchunks="${CHUNKS:-50000}" -DembedSample="${EMBED_SAMPLE:-256}" -Dqueries="${QUERIES:-300}" \
    -cp "$CP" "$ROOT/bench/retrieval/RetrievalBench.java"
