#!/usr/bin/env bash
# What authentication costs the gateway's throughput (issue 3's target: under 5 %).
#
# The same commit is built twice: as it is, and with bench/patches/no-authentication.patch, which makes the data-plane
# filter hand every request that has a bearer token one fixed caller of project "bench" without looking at the key
# (no throttle check, no key parsing, no cached look-ups, no secret hash, no caller rules). Everything else (profile
# checks, admission with limits on, the upstream call, the usage meter and ledger) runs in both. Each build is then
# measured by run.sh (plain requests only), alternately, ROUNDS times each; run.sh's nginx runs show the drift of the
# machine between the runs. Prints the gateway's req/s and CPU per request with and without authentication, and the
# cost as 1 - with/without, also normalised by nginx's req/s of the same run.
#
# Knobs: ROUNDS=1, and every run.sh knob (DURATION, RUNS, PIN, WARMUP_MAX, ...). Each run.sh run measures the plain
# phase only, nginx and the gateway. Run it on a quiet machine, and read bench/README.md on how far its figures can be
# trusted.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-1}
export PHASES=plain PROXIES="nginx gateway" HELD=0

log() { printf '%s auth-cost: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

WORK=$(mktemp -d)
cleanup() {
    git -C "$ROOT" worktree remove --force "$WORK/with" >/dev/null 2>&1 || true
    git -C "$ROOT" worktree remove --force "$WORK/without" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# both builds from the committed HEAD, so that nothing uncommitted makes them differ by more than the patch
for variant in with without; do
    git -C "$ROOT" worktree add --detach --quiet "$WORK/$variant" HEAD
    if [[ $variant == without ]]; then
        git -C "$WORK/$variant" apply "$ROOT/bench/patches/no-authentication.patch"
    fi
    log "building the gateway $variant authentication ($(git -C "$ROOT" rev-parse --short HEAD))"
    (cd "$WORK/$variant" && ./mvnw -B -q -ntp -DskipTests -pl gateway-app -am package)
done

declare -a SUMMARIES=()
for ((round = 1; round <= ROUNDS; round++)); do
    for variant in with without; do
        log "round $round/$ROUNDS: gateway $variant authentication"
        before=$(ls -1d "$ROOT"/bench/results/*/ 2>/dev/null | sort | tail -1 || true)
        GATEWAY_JAR="$WORK/$variant/gateway-app/target/llm-gateway.jar" bash "$ROOT/bench/run.sh"
        after=$(ls -1d "$ROOT"/bench/results/*/ | sort | tail -1)
        [[ $after != "$before" ]] || { log "run.sh left no results"; exit 1; }
        echo "$variant authentication" > "$after/variant.txt"
        SUMMARIES+=("$variant $after")
    done
done

echo
echo "Authentication's cost (plain requests; medians of each run.sh run):"
for entry in "${SUMMARIES[@]}"; do
    variant=${entry%% *}
    dir=${entry#* }
    awk -F'\t' -v v="$variant" -v d="$dir" '$1 == "plain" && $2 == "gateway" {g = $4; c = $10}
        $1 == "plain" && $2 == "nginx" {n = $4}
        END {printf "  %-7s gateway %6.0f req/s, %5.0f us CPU per request; nginx %6.0f req/s (%s)\n", v, g, c, n, d}' \
        "$dir/summary.tsv"
done
printf '%s\n' "${SUMMARIES[@]}" | while read -r variant dir; do
    awk -F'\t' -v v="$variant" '$1 == "plain" && $2 == "gateway" {print v, $4, $10} $1 == "plain" && $2 == "nginx" {print v "-nginx", $4}' "$dir/summary.tsv"
done | awk '{sum[$1] += $2; cnt[$1]++; if (NF > 2) cpu[$1] += $3}
    END {
      w = sum["with"] / cnt["with"]; wo = sum["without"] / cnt["without"]
      nw = sum["with-nginx"] / cnt["with-nginx"]; nwo = sum["without-nginx"] / cnt["without-nginx"]
      printf "  throughput cost of authentication: %.1f %% (%.0f vs %.0f req/s); normalised by nginx: %.1f %%\n", 100 * (1 - w / wo), w, wo, 100 * (1 - (w / nw) / (wo / nwo))
      printf "  CPU per request: %.0f vs %.0f us (+%.0f us for authentication)\n", cpu["with"] / cnt["with"], cpu["without"] / cnt["without"], cpu["with"] / cnt["with"] - cpu["without"] / cnt["without"]
    }'
