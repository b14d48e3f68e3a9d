#!/usr/bin/env bash
# One-command benchmark: the same OpenAI-style chat-completion POST against
#   1. the fake upstream directly, 2. nginx as a plain reverse proxy (the baseline), 3. the gateway,
# all in front of the same fake upstream, loaded with wrk. Prints req/s and p50/p99/p99.9 latency (medians of
# RUNS runs) and the gateway/nginx ratios; raw outputs go to bench/results/<timestamp>/.
# See bench/README.md. Knobs (environment variables):
#   DURATION=15        seconds per measured run
#   WARMUP=10          seconds of the warm-up run of the upstream and nginx (plain requests)
#   GATEWAY_WARMUP=200 seconds of the gateway's warm-up run (its JIT compiler needs that long on 2 shared cores)
#   STREAM_WARMUP=5    seconds of each target's warm-up run before the streaming runs
#   CONNECTIONS=64     wrk connections (-c)              THREADS=2        wrk threads (-t)
#   RUNS=3             measured runs per target (the median is reported; runs are interleaved across targets)
#   STREAM=1           also run the streaming variant ("stream":true, SSE answer), with wrk and then with
#                      tools/StreamClient.java for the time to first token; 0 to skip
#   STREAM_RUNS=RUNS   measured runs per target for the streaming variant
#   CHUNK_DELAY_MS=0   fake upstream's pause between two SSE events
#   MANY_STREAMS=0     N > 0: at the end, hold N long streams through the gateway at once (a second fake upstream
#                      sends one chunk every MANY_CHUNK_DELAY_MS=100 ms for MANY_HOLD=60 s; the starts are spread
#                      over MANY_RAMP=20 s) and check every stream, the usage ledger and the gateway's peak memory
#   PACED=1            also measure latency under a fixed, moderate load: every target at half the gateway's
#                      maximum (its median plain req/s), Poisson arrivals (wrk/chat.lua's BENCH_RATE); 0 to skip
#   GATEWAY_API_KEY=   if set, sent as "Authorization: Bearer ..." to all three targets (harmless for nginx and
#                      the upstream). If unset and the gateway answers 401, run.sh has the gateway's admin API
#                      issue a service key (with the admin token it gave the gateway's throw-away database)
#   GATEWAY_USER_ID=   sent as X-User-Id (a service key needs it; default bench-user when a key is sent)
#   GATEWAY_PROJECT_ID= sent as X-Project-Id when set
#   AUTO_KEY=1         0: never ask for a key (a 401 then fails the run)
#   GATEWAY_ARGS=      extra command-line arguments for the gateway (word-split)
#   GATEWAY_JAVA_OPTS= JVM options for the gateway (word-split; default: the Helm chart's heap, -Xmx768m, with
#                      -XX:+ExitOnOutOfMemoryError; set it empty for the JVM's own defaults)
#   PROFILE=0          1: record a Java Flight Recording of the gateway into the results (gateway.jfr);
#                      async: profile the gateway's CPU with async-profiler during its measured plain runs only
#                      (gateway-cpu.collapsed) and print its CPU by stage (tools/stages.py)
#   GATEWAY_JAR=       the gateway jar (default gateway-app/target/llm-gateway.jar, built when missing)
#   LIMITS=on          with the key run.sh issues: put limits on the bench project (every kind, generous enough that
#                      nothing is refused, so every admission reserves and settles); off: none
#   FLOOR=             webflux or netty: the stack's floor (bench/floor, built when missing) takes the gateway's
#                      place: a pass-through that forwards the bytes with nothing of the gateway's, on WebFlux or
#                      on Reactor Netty alone. The rows named "gateway" are then the floor's
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)

DURATION=${DURATION:-15}; DURATION=${DURATION%s}
WARMUP=${WARMUP:-10}; WARMUP=${WARMUP%s}
GATEWAY_WARMUP=${GATEWAY_WARMUP:-200}; GATEWAY_WARMUP=${GATEWAY_WARMUP%s}
STREAM_WARMUP=${STREAM_WARMUP:-5}; STREAM_WARMUP=${STREAM_WARMUP%s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
RUNS=${RUNS:-3}
STREAM=${STREAM:-1}
STREAM_RUNS=${STREAM_RUNS:-$RUNS}
CHUNK_DELAY_MS=${CHUNK_DELAY_MS:-0}
PACED=${PACED:-1}
MANY_STREAMS=${MANY_STREAMS:-0}
MANY_RAMP=${MANY_RAMP:-20}
MANY_HOLD=${MANY_HOLD:-60}
MANY_CHUNK_DELAY_MS=${MANY_CHUNK_DELAY_MS:-100}
MANY_CHUNKS=$((MANY_HOLD * 1000 / MANY_CHUNK_DELAY_MS))
GATEWAY_API_KEY=${GATEWAY_API_KEY:-}
GATEWAY_USER_ID=${GATEWAY_USER_ID:-}
GATEWAY_PROJECT_ID=${GATEWAY_PROJECT_ID:-}
AUTO_KEY=${AUTO_KEY:-1}
GATEWAY_ARGS=${GATEWAY_ARGS:-}
LIMITS=${LIMITS:-on}
BENCH_LIMITS='{"requests_per_minute":1000000000,"tokens_per_minute":1000000000000,"concurrent_requests":100000,"token_budget":{"limit":1000000000000000,"period":"month"},"cost_budget":{"limit_usd":1000000,"period":"month"}}'
# the Helm chart's defaults: a 1 GiB memory limit with the heap at 75 % of it (-XX:MaxRAMPercentage=75); on a host
# with more memory than that, the same heap is -Xmx768m
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS--Xmx768m -XX:+ExitOnOutOfMemoryError}
GATEWAY_JAR=${GATEWAY_JAR:-$ROOT/gateway-app/target/llm-gateway.jar}
PROFILE=${PROFILE:-0}
FLOOR=${FLOOR:-}
export GATEWAY_API_KEY GATEWAY_USER_ID GATEWAY_PROJECT_ID

TARGETS=(upstream nginx gateway)
CHAT_PATH=/v1/chat/completions
BODY='{"model":"bench-model","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":32}'
STREAM_BODY='{"model":"bench-model","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":32,"stream":true,"stream_options":{"include_usage":true}}'

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- tools
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
    log "installing wrk and nginx (apt-get)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for tool in java curl wrk "$NGINX" ss; do
    command -v "$tool" >/dev/null || die "$tool is missing"
done

# async-profiler (PROFILE=async): its Maven Central jar carries the native agent; run.sh loads it into the gateway
# with tools/Attach.java around the measured runs, so that the warm-up stays out of the profile
ASYNC_PROFILER_VERSION=4.2
ASYNC_PROFILER_LIB=
if [[ $PROFILE == async ]]; then
    [[ $(uname -m) == x86_64 ]] || die "PROFILE=async: only linux-x64 is set up here"
    command -v python3 >/dev/null || die "PROFILE=async needs python3 (tools/stages.py)"
    cache=${XDG_CACHE_HOME:-$HOME/.cache}/llm-gateway-bench/async-profiler-$ASYNC_PROFILER_VERSION
    ASYNC_PROFILER_LIB=$cache/linux-x64/libasyncProfiler.so
    if [[ ! -f $ASYNC_PROFILER_LIB ]]; then
        log "fetching async-profiler $ASYNC_PROFILER_VERSION from Maven Central"
        mkdir -p "$cache"
        "$ROOT/mvnw" -B -q -ntp dependency:copy "-Dartifact=tools.profiler:async-profiler:$ASYNC_PROFILER_VERSION" \
            "-DoutputDirectory=$cache" >&2 || die "could not fetch async-profiler"
        (cd "$cache" && unzip -q -o "async-profiler-$ASYNC_PROFILER_VERSION.jar" 'linux-x64/*') \
            || die "could not unpack async-profiler"
    fi
fi
profiler() {  # async-profiler command for the gateway JVM, e.g. start,event=cpu
    java "$BENCH_DIR/tools/Attach.java" "$(gateway_jvm_pid)" "$ASYNC_PROFILER_LIB" "$1" \
        > /dev/null || log "WARNING: async-profiler did not take '$1'"
}

# ---------------------------------------------------------------- build what's missing
UPSTREAM_JAR=$BENCH_DIR/fake-upstream/target/fake-upstream.jar
if [[ ! -f $UPSTREAM_JAR ]] || [[ -n $(find "$BENCH_DIR/fake-upstream/src" "$BENCH_DIR/fake-upstream/pom.xml" \
        -newer "$UPSTREAM_JAR" -type f 2>/dev/null) ]]; then
    log "building the fake upstream"
    "$ROOT/mvnw" -f "$BENCH_DIR/fake-upstream/pom.xml" -B -q package
fi
if [[ -n $FLOOR ]]; then
    [[ $FLOOR == webflux || $FLOOR == netty ]] || die "FLOOR is webflux or netty, not '$FLOOR'"
    # the many-streams phase checks the gateway's ledger and uses its paced model, which the floor does not have
    ((MANY_STREAMS == 0)) || die "FLOOR measures the HTTP stack alone: set MANY_STREAMS=0 (its check needs the gateway's usage ledger)"
    GATEWAY_JAR=$BENCH_DIR/floor/target/floor.jar
    if [[ ! -f $GATEWAY_JAR ]] || [[ -n $(find "$BENCH_DIR/floor/src" "$BENCH_DIR/floor/pom.xml" \
            -newer "$GATEWAY_JAR" -type f 2>/dev/null) ]]; then
        log "building the floor"
        "$ROOT/mvnw" -f "$BENCH_DIR/floor/pom.xml" -B -q package
    fi
    # it wants no key and reads only the gateway's port, address and upstream arguments
    AUTO_KEY=0
    GATEWAY_ARGS="--floor.server=$FLOOR $GATEWAY_ARGS"
fi
if [[ ! -f $GATEWAY_JAR ]]; then
    log "building the gateway (no $GATEWAY_JAR)"
    (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
    [[ -f $GATEWAY_JAR ]] || die "the build did not produce $GATEWAY_JAR"
fi

# ---------------------------------------------------------------- work and result dirs, cleanup
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$BENCH_DIR/results/$STAMP
mkdir -p "$RESULTS"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/llm-gateway-bench.XXXXXX")
# a copy, so that a concurrent rebuild cannot replace the jar under the running gateway
cp "$GATEWAY_JAR" "$WORK/llm-gateway.jar"

PIDS=()   # each started with setsid: the pid is also the process group id
stop_group() {  # pid, seconds to wait after SIGTERM
    local pid=$1 limit=$2 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < limit * 5; i++)); do
        [[ -z $(ps -o stat= -p "$pid" 2>/dev/null | grep -v '^Z') ]] && break
        sleep 0.2
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local status=$? pid pg
    set +e
    trap - EXIT INT TERM
    for pid in "${PIDS[@]}"; do
        stop_group "$pid" 45
    done
    # the embedded PostgreSQL runs in a session of its own: stop it by the pid in its data directory
    if [[ -f $WORK/pg/postmaster.pid ]]; then
        pg=$(head -n 1 "$WORK/pg/postmaster.pid")
        if [[ $pg =~ ^[0-9]+$ ]] && ps -o args= -p "$pg" 2>/dev/null | grep -qF "$WORK/pg"; then
            log "stopping the embedded PostgreSQL left behind (pid $pg)"
            kill -TERM "$pg" 2>/dev/null
            for _ in $(seq 50); do kill -0 "$pg" 2>/dev/null || break; sleep 0.2; done
            kill -KILL "$pg" 2>/dev/null
        fi
    fi
    cp "$WORK/upstream.log" "$WORK/gateway.log" "$WORK/paced-upstream.log" "$RESULTS/" 2>/dev/null
    cp "$WORK/nginx/error.log" "$RESULTS/nginx-error.log" 2>/dev/null
    cp "$WORK/nginx/nginx.conf" "$RESULTS/nginx.conf" 2>/dev/null
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- free loopback ports
# A port is taken when any socket uses it, listening or not: the local end of an outgoing connection (the
# gateway's to its upstream and database, wrk's) holds its port too, and a listener cannot bind it then. So the
# ports are picked below the kernel's range for outgoing connections, and checked against every socket.
EPHEMERAL_LOW=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
PORT_LOW=10000
(( EPHEMERAL_LOW - PORT_LOW >= 2000 )) || PORT_LOW=$((EPHEMERAL_LOW - 2000))
USED_PORTS=" $(ss -Htan | awk '{print $4}' | sed 's/.*://' | sort -u | tr '\n' ' ') "
free_port() {
    local p
    while :; do
        p=$((PORT_LOW + RANDOM % (EPHEMERAL_LOW - PORT_LOW)))
        if [[ $USED_PORTS != *" $p "* ]] && [[ -z $(ss -Htan "sport = :$p") ]]; then
            USED_PORTS+="$p "
            echo "$p"
            return
        fi
    done
}
UPSTREAM_PORT=$(free_port)
NGINX_PORT=$(free_port)
GATEWAY_PORT=$(free_port)
PACED_UPSTREAM_PORT=$(free_port)

# ---------------------------------------------------------------- environment record
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "command: DURATION=$DURATION WARMUP=$WARMUP GATEWAY_WARMUP=$GATEWAY_WARMUP STREAM_WARMUP=$STREAM_WARMUP CONNECTIONS=$CONNECTIONS THREADS=$THREADS RUNS=$RUNS STREAM=$STREAM STREAM_RUNS=$STREAM_RUNS PACED=$PACED MANY_STREAMS=$MANY_STREAMS MANY_RAMP=$MANY_RAMP MANY_HOLD=$MANY_HOLD MANY_CHUNK_DELAY_MS=$MANY_CHUNK_DELAY_MS CHUNK_DELAY_MS=$CHUNK_DELAY_MS bench/run.sh"
    echo "api key given: $([[ -n $GATEWAY_API_KEY ]] && echo yes || echo no)"
    echo "gateway args: $GATEWAY_ARGS"
    [[ -n $FLOOR ]] && echo "floor: $FLOOR (bench/floor takes the gateway's place)"
    echo "gateway java opts: $GATEWAY_JAVA_OPTS"
    echo "git: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null) $(git -C "$ROOT" status --porcelain 2>/dev/null | grep -qv '^??' && echo '(work tree has uncommitted changes)')"
    echo "gateway jar: $GATEWAY_JAR ($(date -u -r "$GATEWAY_JAR" '+%Y-%m-%d %H:%M:%S UTC'))"
    echo "nproc: $(nproc)"
    echo "cpu: $(lscpu 2>/dev/null | grep 'Model name' | sed 's/.*: *//')"
    echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
    echo "java: $(java -version 2>&1 | head -n 1)"
    echo "nginx: $("$NGINX" -v 2>&1)"
    echo "wrk: $(wrk -v 2>&1 | head -n 1)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "busiest processes at start:"
    ps -eo pid,pcpu,etime,comm --sort=-pcpu | head -n 8
} > "$RESULTS/environment.txt"

# ---------------------------------------------------------------- start the three servers (127.0.0.1 only)
log "results: $RESULTS"
log "starting the fake upstream on 127.0.0.1:$UPSTREAM_PORT"
setsid java -Xms256m -Xmx512m -jar "$UPSTREAM_JAR" "$UPSTREAM_PORT" "--chunk-delay-ms=$CHUNK_DELAY_MS" \
    > "$WORK/upstream.log" 2>&1 < /dev/null &
PIDS+=($!)

log "starting nginx on 127.0.0.1:$NGINX_PORT"
mkdir -p "$WORK/nginx"
sed -e "s|@PREFIX@|$WORK/nginx|g" -e "s|@LISTEN_PORT@|$NGINX_PORT|g" -e "s|@UPSTREAM_PORT@|$UPSTREAM_PORT|g" \
    "$BENCH_DIR/nginx/nginx.conf.template" > "$WORK/nginx/nginx.conf"
setsid "$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx/" -e "$WORK/nginx/error.log" \
    > "$WORK/nginx/stdout.log" 2>&1 < /dev/null &
PIDS+=($!)

log "starting the gateway on 127.0.0.1:$GATEWAY_PORT"
# a bootstrap admin token for the throw-away database, in case the gateway wants keys (see provision_key)
BENCH_ADMIN_TOKEN=${GATEWAY_AUTH_ADMIN_TOKEN:-}
if [[ -z $BENCH_ADMIN_TOKEN ]]; then
    BENCH_ADMIN_TOKEN=$(java "$BENCH_DIR/tools/MintKey.java" gwa_ | cut -d' ' -f1) || die "could not mint an admin token"
fi
# MANY_STREAMS: a second deployment and model for the long, paced streams, and room for that many at once in the
# deployments' connection pools and bulkheads (both 1000 by default)
MANY_ARGS=()
# The gateway's event loops (reactor-http-epoll-N): the time they ran and the time they were ready to run but
# waited for a CPU (/proc/<pid>/task/<tid>/schedstat, in ns). A gateway short of CPU waits; one that idles does not.
event_loop_schedstat() {  # jvm pid -> "ran_ns waited_ns"
    local t ran waited ran_total=0 waited_total=0
    for t in /proc/"$1"/task/*; do
        [[ $(cat "$t/comm" 2>/dev/null) == reactor-http-* ]] || continue
        read -r ran waited _ < "$t/schedstat" || continue
        ran_total=$((ran_total + ran)); waited_total=$((waited_total + waited))
    done
    echo "$ran_total $waited_total"
}
if ((MANY_STREAMS > 0)); then
    MANY_ARGS=(--gateway.deployments.paced.type=openai
        "--gateway.deployments.paced.base-url=http://127.0.0.1:$PACED_UPSTREAM_PORT/v1"
        '--gateway.models[1].id=bench-paced' '--gateway.models[1].deployment=paced'
        '--gateway.models[1].price.input-per-million=0.5' '--gateway.models[1].price.output-per-million=1.5'
        "--gateway.upstream-pool.max-connections=$MANY_STREAMS"
        "--resilience4j.bulkhead.configs.default.max-concurrent-calls=$MANY_STREAMS")
fi
[[ $PROFILE == 1 ]] && GATEWAY_JAVA_OPTS+=" -XX:StartFlightRecording=settings=profile,dumponexit=true,filename=$RESULTS/gateway.jfr"
# shellcheck disable=SC2086 # GATEWAY_JAVA_OPTS and GATEWAY_ARGS are word-split on purpose
(cd "$WORK" && GATEWAY_AUTH_ADMIN_TOKEN=$BENCH_ADMIN_TOKEN exec setsid java $GATEWAY_JAVA_OPTS -jar "$WORK/llm-gateway.jar" \
    --server.address=127.0.0.1 --server.port="$GATEWAY_PORT" \
    --gateway.database.embedded.data-dir="$WORK/pg" \
    --gateway.deployments.bench.type=openai \
    --gateway.deployments.bench.base-url="http://127.0.0.1:$UPSTREAM_PORT/v1" \
    '--gateway.models[0].id=bench-model' '--gateway.models[0].deployment=bench' \
    '--gateway.models[0].price.input-per-million=0.5' '--gateway.models[0].price.output-per-million=1.5' \
    "${MANY_ARGS[@]}" $GATEWAY_ARGS > "$WORK/gateway.log" 2>&1 < /dev/null) &
PIDS+=($!)
if ((MANY_STREAMS > 0)); then
    log "starting the paced fake upstream on 127.0.0.1:$PACED_UPSTREAM_PORT ($MANY_CHUNKS chunks, one per ${MANY_CHUNK_DELAY_MS} ms)"
    setsid java -Xms256m -Xmx512m -jar "$UPSTREAM_JAR" "$PACED_UPSTREAM_PORT" "--chunk-delay-ms=$MANY_CHUNK_DELAY_MS" \
        "--content-chunks=$MANY_CHUNKS" > "$WORK/paced-upstream.log" 2>&1 < /dev/null &
    PIDS+=($!)
fi

CURL_AUTH=()
set_auth_headers() {  # the same headers as bench/wrk/chat.lua sends
    CURL_AUTH=()
    if [[ -n $GATEWAY_API_KEY ]]; then
        : "${GATEWAY_USER_ID:=bench-user}"
        CURL_AUTH=(-H "Authorization: Bearer $GATEWAY_API_KEY")
    fi
    [[ -n $GATEWAY_USER_ID ]] && CURL_AUTH+=(-H "X-User-Id: $GATEWAY_USER_ID")
    [[ -n $GATEWAY_PROJECT_ID ]] && CURL_AUTH+=(-H "X-Project-Id: $GATEWAY_PROJECT_ID")
    POST=(-X POST -H 'Content-Type: application/json' "${CURL_AUTH[@]}" -d "$BODY")
    export GATEWAY_USER_ID
}
set_auth_headers

wait_for() {  # name, pid, seconds, log file, curl arguments...
    local name=$1 pid=$2 limit=$3 logfile=$4 i code
    shift 4
    for ((i = 0; i < limit * 2; i++)); do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" || true)
        [[ $code == 200 ]] && { log "$name is up"; return 0; }
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 40 "$logfile" >&2
            die "$name exited while starting"
        fi
        sleep 0.5
    done
    tail -n 40 "$logfile" >&2
    die "$name did not answer 200 within ${limit}s (last status $code)"
}
url_of() {
    case $1 in
        upstream) echo "http://127.0.0.1:$UPSTREAM_PORT$CHAT_PATH" ;;
        nginx) echo "http://127.0.0.1:$NGINX_PORT$CHAT_PATH" ;;
        gateway) echo "http://127.0.0.1:$GATEWAY_PORT$CHAT_PATH" ;;
    esac
}
wait_for upstream "${PIDS[0]}" 60 "$WORK/upstream.log" "${POST[@]}" "$(url_of upstream)"
wait_for nginx "${PIDS[1]}" 30 "$WORK/nginx/error.log" "${POST[@]}" "$(url_of nginx)"
wait_for gateway "${PIDS[2]}" 180 "$WORK/gateway.log" "http://127.0.0.1:$GATEWAY_PORT/actuator/health"

# ---------------------------------------------------------------- a key, if the gateway wants one and none was given
# The gateway was started with an admin token minted here (GATEWAY_AUTH_ADMIN_TOKEN, its documented bootstrap
# setting; the database is a throw-away one under $WORK). With it, the admin API issues a service key of a
# project "bench"; a service key needs X-User-Id, so GATEWAY_USER_ID defaults to bench-user.
provision_key() {
    local admin=(-H "Authorization: Bearer $BENCH_ADMIN_TOKEN" -H 'Content-Type: application/json') code key
    code=$(curl -s -o "$RESULTS/provision-project.json" -w '%{http_code}' --max-time 10 "${admin[@]}" \
        -d '{"id":"bench","name":"bench"}' "http://127.0.0.1:$GATEWAY_PORT/admin/v1/projects" || true)
    [[ $code == 200 || $code == 201 || $code == 409 ]] \
        || die "the gateway wants a key and its admin API did not create a project ($code: $(head -c 300 "$RESULTS/provision-project.json")): set GATEWAY_API_KEY"
    code=$(curl -s -o "$WORK/key.json" -w '%{http_code}' --max-time 10 "${admin[@]}" \
        -d '{"name":"bench"}' "http://127.0.0.1:$GATEWAY_PORT/admin/v1/projects/bench/keys" || true)
    key=$(sed -n 's/.*"key" *: *"\([^"]*\)".*/\1/p' "$WORK/key.json")
    [[ ($code == 200 || $code == 201) && -n $key ]] \
        || die "the gateway wants a key and its admin API did not issue one ($code): set GATEWAY_API_KEY"
    GATEWAY_API_KEY=$key
    export GATEWAY_API_KEY
    if [[ $LIMITS == on ]]; then
        code=$(curl -s -o "$RESULTS/provision-limits.json" -w '%{http_code}' --max-time 10 -X PUT "${admin[@]}" \
            -d "$BENCH_LIMITS" "http://127.0.0.1:$GATEWAY_PORT/admin/v1/projects/bench/limits" || true)
        if [[ $code == 200 ]]; then
            echo "limits: on, every kind on project bench ($BENCH_LIMITS)" >> "$RESULTS/environment.txt"
            log "limits on project bench: every kind, none binding"
        else
            echo "limits: not supported by this gateway ($code)" >> "$RESULTS/environment.txt"
            log "this gateway has no limits API ($code); measuring without limits"
        fi
    else
        echo "limits: off" >> "$RESULTS/environment.txt"
    fi
    set_auth_headers
    log "the gateway wants a key: issued a service key of project bench through its admin API (X-User-Id: $GATEWAY_USER_ID)"
    echo "api key: a service key of project bench, issued by run.sh through the admin API" >> "$RESULTS/environment.txt"
}
if [[ -z $GATEWAY_API_KEY && $AUTO_KEY == 1 ]]; then
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "${POST[@]}" "$(url_of gateway)" || true)
    [[ $code == 401 ]] && provision_key
fi

# ---------------------------------------------------------------- one checked request per target and mode
for target in "${TARGETS[@]}"; do
    out=$RESULTS/check-$target.txt
    code=$(curl -s -o "$out" -w '%{http_code}' --max-time 10 "${POST[@]}" "$(url_of "$target")" || true)
    [[ $code == 200 ]] && grep -q '"chat.completion"' "$out" \
        || die "$target: the chat completion answered $code: $(head -c 500 "$out")"
    if [[ $STREAM == 1 ]]; then
        out=$RESULTS/check-$target-stream.txt
        code=$(curl -s -N -o "$out" -w '%{http_code}' --max-time 10 -X POST -H 'Content-Type: application/json' \
            -H 'Accept: text/event-stream' "${CURL_AUTH[@]}" -d "$STREAM_BODY" "$(url_of "$target")" || true)
        [[ $code == 200 ]] && grep -q '^data: \[DONE\]' "$out" \
            || die "$target: the streamed chat completion answered $code: $(head -c 500 "$out")"
    fi
done
log "every target answers a valid chat completion"

# ---------------------------------------------------------------- load
run_wrk() {  # mode (plain, stream or paced), target, seconds, output file
    local mode=$1 target=$2 seconds=$3 out=$4
    BENCH_STREAM=$([[ $mode == stream ]] && echo 1 || echo 0) \
        BENCH_RATE=$([[ $mode == paced ]] && echo "$PACED_RATE" || echo "") BENCH_CONNECTIONS=$CONNECTIONS \
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 10s -s "$BENCH_DIR/wrk/chat.lua" \
        "$(url_of "$target")" > "$out" 2>&1 || die "wrk failed: $(cat "$out")"
    grep -q '^BENCH_RESULT ' "$out" || die "no result line in $out"
}
# Halfway through a measured run, which processes that are not ours (servers, their children, wrk) use the CPU:
# the machine may be shared, e.g. with a build. Lines go to foreign-cpu.txt; the top output to cpu-samples.txt.
our_pids() {
    local pid pg
    for pid in "${PIDS[@]}"; do pgrep -g "$pid" || true; done
    pgrep -P $$ || true
    if [[ -f $WORK/pg/postmaster.pid ]]; then
        pg=$(head -n 1 "$WORK/pg/postmaster.pid")
        echo "$pg"
        pgrep -P "$pg" || true
    fi
}
sample_cpu() {  # label
    local frame ours
    sleep "$(awk -v d="$DURATION" 'BEGIN {print (d > 3 ? d / 2 : 1)}')"
    frame=$(top -b -n 2 -d 1 -w 200 2>/dev/null | awk '/^top - / {n++} n == 2')
    ours=" $(our_pids | tr '\n' ' ') "
    { echo "== $1"; echo "$frame"; } >> "$RESULTS/cpu-samples.txt"
    awk -v ours="$ours" -v label="$1" '
        started && $1 ~ /^[0-9]+$/ && $9 + 0 >= 10 && index(ours, " " $1 " ") == 0 {
            printf "%s: pid %s (%s) %s%% CPU\n", label, $1, $12, $9 }
        $1 == "PID" { started = 1 }' <<< "$frame" >> "$RESULTS/foreign-cpu.txt"
}
# CPU time (user + system, in clock ticks) used so far by a target's own processes (its process group: nginx's
# master and workers; the JVM for upstream and gateway; not the gateway's embedded PostgreSQL, a session of its own)
CLK_TCK=$(getconf CLK_TCK)
target_processes() {  # target -> the pids of its own processes (its process group)
    case $1 in upstream) pgrep -g "${PIDS[0]}" ;; nginx) pgrep -g "${PIDS[1]}" ;; gateway) pgrep -g "${PIDS[2]}" ;; esac
}
gateway_jvm_pid() { pgrep -g "${PIDS[2]}" java | head -n 1; }
target_ticks() {  # target
    local total=0 t
    for p in $(target_processes "$1"); do
        t=$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$p/stat" 2>/dev/null) || t=0
        total=$((total + ${t:-0}))
    done
    echo "$total"
}
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" "$1"; }
# The machine's CPU time so far, as "stolen total" in clock ticks (/proc/stat's first line): on a virtual machine the
# hypervisor may take a share of the CPUs away (steal), and a run under heavy steal is slower for every target.
steal_ticks() { awk '/^cpu / {t = 0; for (i = 2; i <= NF; i++) t += $i; print $9, t; exit}' /proc/stat; }
steal_pct() {  # "stolen total" at the start -> the share stolen since, in per cent
    local s0 t0 s1 t1
    read -r s0 t0 <<< "$1"; read -r s1 t1 <<< "$(steal_ticks)"
    awk -v s="$((s1 - s0))" -v t="$((t1 - t0))" 'BEGIN {printf "%.0f", (t > 0 ? 100 * s / t : 0)}'
}
# Bytes the gateway JVM has allocated so far: Micrometer's jvm_gc_memory_allocated_bytes_total (admin token), which
# grows at each collection; a full collection first (jcmd GC.run) brings it up to this instant. Unlike CPU time,
# allocation does not change with the machine's load, so it compares builds even on a noisy machine.
gateway_allocated_bytes() {
    jcmd "$(gateway_jvm_pid)" GC.run > /dev/null 2>&1 || { echo 0; return; }
    curl -s --max-time 10 -H "Authorization: Bearer $BENCH_ADMIN_TOKEN" \
        "http://127.0.0.1:$GATEWAY_PORT/actuator/prometheus" \
        | awk '/^jvm_gc_memory_allocated_bytes_total/ {printf "%.0f", $2; found = 1} END {if (!found) print 0}'
}

# One measured run of a target: wrk, the CPU its own processes used, a top sample halfway (and the profiler, when
# on, around the gateway's plain runs)
measured_run() {  # mode, target, run number, runs
    local mode=$1 target=$2 r=$3 runs=$4 out sampler profiled ticks steal allocated=0
    out=$RESULTS/$mode-$target-run$r.txt
    sample_cpu "$mode $target run$r" &
    sampler=$!
    profiled=$([[ $PROFILE == async && $mode == plain && $target == gateway ]] && echo 1 || echo 0)
    # resume keeps the samples of the earlier runs: the profile covers every measured plain run
    [[ $profiled == 1 ]] && profiler "$([[ $r == 1 ]] && echo start || echo resume),event=cpu,interval=997us,threads"
    [[ $target == gateway ]] && allocated=$(gateway_allocated_bytes)
    steal=$(steal_ticks)
    ticks=$(target_ticks "$target")
    run_wrk "$mode" "$target" "$DURATION" "$out"
    ticks=$(( $(target_ticks "$target") - ticks ))
    steal=$(steal_pct "$steal")
    [[ $target == gateway ]] && allocated=$(( $(gateway_allocated_bytes) - allocated ))
    [[ $profiled == 1 ]] && profiler "stop,file=$RESULTS/gateway-cpu.collapsed,collapsed"
    wait "$sampler" || true
    awk -v t="$ticks" -v hz="$CLK_TCK" -v n="$(field "$out" requests)" -v us="$(field "$out" duration_us)" \
        -v a="$allocated" -v st="$steal" \
        'BEGIN {printf "BENCH_CPU cpu_s=%.2f cpu_pct=%.1f cpu_us_per_req=%.1f alloc_kb_per_req=%.1f steal_pct=%d\n", t / hz, 100 * t / hz / (us / 1e6), (n > 0 ? 1e6 * t / hz / n : 0), (n > 0 ? a / 1024 / n : 0), st}' >> "$out"
    log "$mode / $target: run $r/$runs: $(field "$out" rps) req/s, p50 $(field "$out" p50_us) us, p99 $(field "$out" p99_us) us, non-2xx $(field "$out" err_status), its CPU $(field "$out" cpu_pct)% = $(field "$out" cpu_us_per_req) us/request$([[ $target == gateway ]] && echo ", $(field "$out" alloc_kb_per_req) KB allocated/request"), steal $(field "$out" steal_pct)%"
}

MODES=(plain)
[[ $STREAM == 1 ]] && MODES+=(stream)
for mode in "${MODES[@]}"; do
    runs=$RUNS
    [[ $mode == stream ]] && runs=$STREAM_RUNS
    for target in "${TARGETS[@]}"; do
        seconds=$WARMUP
        [[ $target == gateway ]] && seconds=$GATEWAY_WARMUP
        [[ $mode == stream ]] && seconds=$STREAM_WARMUP
        log "$mode / $target: warm-up ${seconds}s"
        run_wrk "$mode" "$target" "$seconds" "$RESULTS/$mode-$target-warmup.txt"
        warm_errors=$(awk '/^BENCH_RESULT/ {for (i = 2; i <= NF; i++) if ($i ~ /^err_/) {split($i, kv, "="); n += kv[2]}} END {print n + 0}' "$RESULTS/$mode-$target-warmup.txt")
        [[ $warm_errors == 0 ]] || log "WARNING: $mode / $target: $warm_errors errors in the warm-up run"
    done
    for ((r = 1; r <= runs; r++)); do
        for target in "${TARGETS[@]}"; do
            measured_run "$mode" "$target" "$r" "$runs"
        done
    done
done

# ---------------------------------------------------------------- latency at half the gateway's maximum throughput
# Closed-loop runs measure throughput, and their latency is mostly queueing. Here every target gets the same
# moderate, paced load: half the gateway's median plain req/s, so the gateway is not saturated.
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {
    if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
if [[ $PACED == 1 ]]; then
    PACED_RATE=$(for f in "$RESULTS"/plain-gateway-run*.txt; do field "$f" rps; done | median \
        | awk '{printf "%d", $1 / 2}')
    MODES+=(paced)
    for ((r = 1; r <= RUNS; r++)); do
        for target in "${TARGETS[@]}"; do
            measured_run paced "$target" "$r" "$RUNS"
        done
    done
fi

# ---------------------------------------------------------------- time to first token (streams)
# wrk sees only the end of a stream; tools/StreamClient.java (JDK only) keeps CONNECTIONS streams going and times
# each one's first byte, which is its first SSE event. Interleaved across the targets like the wrk runs.
if [[ $STREAM == 1 ]]; then
    STREAM_HEADERS=()
    [[ -n $GATEWAY_API_KEY ]] && STREAM_HEADERS+=("Authorization: Bearer $GATEWAY_API_KEY")
    [[ -n $GATEWAY_USER_ID ]] && STREAM_HEADERS+=("X-User-Id: $GATEWAY_USER_ID")
    [[ -n $GATEWAY_PROJECT_ID ]] && STREAM_HEADERS+=("X-Project-Id: $GATEWAY_PROJECT_ID")
    for ((r = 1; r <= STREAM_RUNS; r++)); do
        for target in "${TARGETS[@]}"; do
            out=$RESULTS/ttft-$target-run$r.txt
            java "$BENCH_DIR/tools/StreamClient.java" "$(url_of "$target")" "$CONNECTIONS" "$DURATION" \
                "${STREAM_HEADERS[@]}" > "$out" 2>&1 || die "the stream client failed: $(tail -n 5 "$out")"
            grep -q '^STREAM_RESULT ' "$out" || die "no result line in $out"
            log "ttft / $target: run $r/$STREAM_RUNS: $(field "$out" rps) streams/s, first token p50 $(field "$out" ttft_p50_us) us, p99 $(field "$out" ttft_p99_us) us, errors $(field "$out" errors)"
        done
    done
fi

# ---------------------------------------------------------------- many long streams at once (MANY_STREAMS)
# Every stream is sent once (starts spread over MANY_RAMP s) and lasts MANY_HOLD s; the client checks each one ends
# with data: [DONE] and counts its events. Then the usage ledger must hold one record per stream with every
# completion token, and the gateway's resident memory is sampled every second throughout.
usage_of_model() {  # model -> "requests completion_tokens" from the admin usage API (0 0 when it has no row)
    curl -s --max-time 10 -H "Authorization: Bearer $BENCH_ADMIN_TOKEN" \
        "http://127.0.0.1:$GATEWAY_PORT/admin/v1/usage?project_id=bench&group_by=model" \
        | grep -o "{[^{}]*\"model\":\"$1\"[^{}]*}" \
        | sed -n 's/.*"requests":\([0-9]*\).*"completion_tokens":\([0-9]*\).*/\1 \2/p' | head -n 1 | grep . || echo "0 0"
}
if ((MANY_STREAMS > 0)); then
    wait_for "paced upstream" "${PIDS[3]}" 60 "$WORK/paced-upstream.log" -X POST -H 'Content-Type: application/json' \
        -d '{"model":"x"}' "http://127.0.0.1:$PACED_UPSTREAM_PORT$CHAT_PATH"
    STREAM_HEADERS=()
    [[ -n $GATEWAY_API_KEY ]] && STREAM_HEADERS+=("Authorization: Bearer $GATEWAY_API_KEY")
    [[ -n $GATEWAY_USER_ID ]] && STREAM_HEADERS+=("X-User-Id: $GATEWAY_USER_ID")
    [[ -n $GATEWAY_PROJECT_ID ]] && STREAM_HEADERS+=("X-Project-Id: $GATEWAY_PROJECT_ID")
    gateway_jvm=$(gateway_jvm_pid)
    rss_file=$WORK/many-rss.txt
    (while kill -0 "$gateway_jvm" 2>/dev/null; do
        awk '/^VmRSS:/ {print $2}' "/proc/$gateway_jvm/status" 2>/dev/null
        sleep 1
    done) > "$rss_file" &
    rss_sampler=$!
    read -r before_requests before_tokens <<< "$(usage_of_model bench-paced)"
    allocated=$(gateway_allocated_bytes)
    steal=$(steal_ticks)
    read -r loops_ran loops_waited <<< "$(event_loop_schedstat "$gateway_jvm")"
    ticks=$(target_ticks gateway)
    out=$RESULTS/many-streams.txt
    log "many streams: $MANY_STREAMS streams of ${MANY_HOLD}s through the gateway, started over ${MANY_RAMP}s"
    STREAM_MODEL=bench-paced java -Xmx512m "$BENCH_DIR/tools/ManyStreams.java" "$(url_of gateway)" "$MANY_STREAMS" \
        "$MANY_RAMP" "${STREAM_HEADERS[@]}" > "$out" 2>&1 || die "the many-streams client failed: $(tail -n 5 "$out")"
    ticks=$(( $(target_ticks gateway) - ticks ))
    read -r ran waited <<< "$(event_loop_schedstat "$gateway_jvm")"
    loops_ran=$((ran - loops_ran)); loops_waited=$((waited - loops_waited))
    steal=$(steal_pct "$steal")
    allocated=$(( $(gateway_allocated_bytes) - allocated ))
    grep -q '^STREAM_RESULT ' "$out" || die "no result line in $out"
    # the ledger writes in batches: wait until it holds a record for every stream, or 60 s
    for _ in $(seq 60); do
        read -r after_requests after_tokens <<< "$(usage_of_model bench-paced)"
        ((after_requests - before_requests >= MANY_STREAMS)) && break
        sleep 1
    done
    kill "$rss_sampler" 2>/dev/null; wait "$rss_sampler" 2>/dev/null || true
    peak_rss=$(sort -n "$rss_file" | tail -n 1)
    ok=$(field "$out" streams)
    {
        echo "MANY_RESULT streams=$MANY_STREAMS ok=$ok errors=$(field "$out" errors)" \
            "events_min=$(field "$out" events_min) events_max=$(field "$out" events_max)" \
            "expected_events=$((MANY_CHUNKS + 4))" \
            "ttft_p50_us=$(field "$out" ttft_p50_us) ttft_p99_us=$(field "$out" ttft_p99_us)" \
            "gap_p50_us=$(field "$out" gap_p50_us) gap_p99_us=$(field "$out" gap_p99_us) gap_max_us=$(field "$out" gap_max_us)" \
            "usage_records=$((after_requests - before_requests)) usage_completion_tokens=$((after_tokens - before_tokens))" \
            "expected_completion_tokens=$((ok * MANY_CHUNKS))" \
            "peak_rss_mib=$(awk -v kb="${peak_rss:-0}" 'BEGIN {printf "%.0f", kb / 1024}')" \
            "cpu_s=$(awk -v t="$ticks" -v hz="$CLK_TCK" 'BEGIN {printf "%.1f", t / hz}')" \
            "alloc_mib=$(awk -v a="$allocated" 'BEGIN {printf "%.0f", a / 1048576}')" \
            "alloc_kb_per_event=$(awk -v a="$allocated" -v e="$((MANY_STREAMS * (MANY_CHUNKS + 4)))" 'BEGIN {printf "%.2f", a / 1024 / e}')" \
            "steal_pct=$steal" \
            "event_loops_ran_s=$(awk -v n="$loops_ran" 'BEGIN {printf "%.1f", n / 1e9}')" \
            "event_loops_waited_s=$(awk -v n="$loops_waited" 'BEGIN {printf "%.1f", n / 1e9}')"
    } > "$RESULTS/many-streams-result.txt"
    log "many streams: $(cut -d' ' -f2- "$RESULTS/many-streams-result.txt")"
fi

# ---------------------------------------------------------------- summary
TSV=$RESULTS/summary.tsv
printf 'mode\ttarget\truns\trps\tp50_ms\tp99_ms\tp999_ms\terrors\tcpu_pct\tcpu_us_per_req\talloc_kb_per_req\tsteal_pct\n' > "$TSV"
for mode in "${MODES[@]}"; do
    for target in "${TARGETS[@]}"; do
        files=("$RESULTS/$mode-$target-run"*.txt)
        rps="" p50="" p99="" p999="" errors=0 cpu="" cpureq="" alloc="" steals=""
        for f in "${files[@]}"; do
            rps+=" $(field "$f" rps)"; p50+=" $(field "$f" p50_us)"; p99+=" $(field "$f" p99_us)"
            p999+=" $(field "$f" p999_us)"; cpu+=" $(field "$f" cpu_pct)"; cpureq+=" $(field "$f" cpu_us_per_req)"
            alloc+=" $(field "$f" alloc_kb_per_req)"; steals+=" $(field "$f" steal_pct)"
            for e in err_connect err_read err_write err_status err_timeout; do
                errors=$((errors + $(field "$f" $e)))
            done
        done
        printf '%s\t%s\t%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n' "$mode" "$target" "${#files[@]}" "$(median <<< "$rps")" \
            "$(awk -v v="$(median <<< "$p50")" 'BEGIN {printf "%.3f", v / 1000}')" \
            "$(awk -v v="$(median <<< "$p99")" 'BEGIN {printf "%.3f", v / 1000}')" \
            "$(awk -v v="$(median <<< "$p999")" 'BEGIN {printf "%.3f", v / 1000}')" "$errors" \
            "$(median <<< "$cpu")" "$(median <<< "$cpureq")" "$(median <<< "$alloc")" \
            "$(tr ' ' '\n' <<< "$steals" | sort -g | tail -n 1)" >> "$TSV"
    done
done

awk -F'\t' -v conns="$CONNECTIONS" -v threads="$THREADS" -v dur="$DURATION" -v rate="${PACED_RATE:-}" '
NR == 1 { next }
{ key = $1 "/" $2; rps[key] = $4; p50[key] = $5; p99[key] = $6; p999[key] = $7; err[key] = $8; runs[key] = $3
  cpu[key] = $9; cpureq[key] = $10; alloc[key] = $11; if ($12 + 0 > steal) steal = $12 + 0
  if (!($1 in seen)) { seen[$1] = 1; modes[++m] = $1 } }
END {
  printf "\nwrk -t%s -c%s, %ss per run; medians of the measured runs. CPU: the target'"'"'s own processes only (100 = one core)\n", threads, conns, dur
  line = "+--------+----------+------+-------------+-----------+-----------+-----------+--------+-------+--------------+-----------------+"
  print line
  printf "| %-6s | %-8s | %4s | %11s | %9s | %9s | %9s | %6s | %5s | %12s | %15s |\n", "mode", "target", "runs", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "errors", "CPU%", "CPU us / req", "KB alloc / req"
  print line
  for (i = 1; i <= m; i++) {
    split("upstream nginx gateway", t, " ")
    for (j = 1; j <= 3; j++) {
      k = modes[i] "/" t[j]
      printf "| %-6s | %-8s | %4d | %11.0f | %9.2f | %9.2f | %9.2f | %6d | %5.0f | %12.1f | %15s |\n", modes[i], t[j], runs[k], rps[k], p50[k], p99[k], p999[k], err[k], cpu[k], cpureq[k], (t[j] == "gateway" ? sprintf("%.1f", alloc[k]) : "-")
    }
    print line
  }
  print ""
  for (i = 1; i <= m; i++) {
    g = modes[i] "/gateway"; n = modes[i] "/nginx"; u = modes[i] "/upstream"
    if (modes[i] == "paced") {
      printf "paced (%s req/s offered to each target, half the gateway'"'"'s plain maximum): latency the gateway adds above direct (gateway minus upstream): p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms; nginx adds p50 %.2f ms, p99 %.2f ms\n",
        rate, p50[g] - p50[u], p99[g] - p99[u], p999[g] - p999[u], p50[n] - p50[u], p99[n] - p99[u]
      continue
    }
    printf "%s: gateway/nginx throughput %.3f (%.0f vs %.0f req/s); latency gateway vs nginx: p50 %.2f vs %.2f ms (x%.1f), p99 %.2f vs %.2f ms (x%.1f), p99.9 %.2f vs %.2f ms (x%.1f); CPU per request %.0f vs %.0f us (x%.1f)\n",
      modes[i], rps[g] / rps[n], rps[g], rps[n], p50[g], p50[n], p50[g] / p50[n], p99[g], p99[n], p99[g] / p99[n], p999[g], p999[n], p999[g] / p999[n], cpureq[g], cpureq[n], (cpureq[n] > 0 ? cpureq[g] / cpureq[n] : 0)
  }
  printf "the hypervisor stole at most %d%% of the machine'"'"'s CPU during a measured run%s\n", steal, (steal >= 10 ? ": WARNING, the figures of such a run are low for every target; compare runs of similar steal" : "")
  bad = 0
  for (k in err) if (err[k] > 0) { bad = 1; printf "WARNING: %s had %d errors (socket errors or non-2xx/3xx answers): the run is not valid\n", k, err[k] }
  if (!bad) print "no errors and no non-2xx/3xx answer in any measured run"
}' "$TSV" | tee "$RESULTS/summary.txt"
[[ -n $FLOOR ]] && echo "FLOOR=$FLOOR: the rows and ratios named gateway are the stack's floor (bench/floor on $FLOOR), not the gateway" \
    | tee -a "$RESULTS/summary.txt"
if [[ $STREAM == 1 ]]; then
    {
        echo
        echo "Time to first token (tools/StreamClient.java, $CONNECTIONS streams at a time, ${DURATION}s per run; medians of the runs):"
        printf '| %-8s | %9s | %13s | %13s | %15s | %6s |\n' target streams/s "TTFT p50 ms" "TTFT p99 ms" "TTFT p99.9 ms" errors
        for target in "${TARGETS[@]}"; do
            files=("$RESULTS"/ttft-"$target"-run*.txt)
            med() { for f in "${files[@]}"; do field "$f" "$1"; done | median; }
            printf '| %-8s | %9.0f | %13.2f | %13.2f | %15.2f | %6d |\n' "$target" "$(med rps)" \
                "$(awk -v v="$(med ttft_p50_us)" 'BEGIN {print v / 1000}')" \
                "$(awk -v v="$(med ttft_p99_us)" 'BEGIN {print v / 1000}')" \
                "$(awk -v v="$(med ttft_p999_us)" 'BEGIN {print v / 1000}')" \
                "$(for f in "${files[@]}"; do field "$f" errors; done | awk '{n += $1} END {print n + 0}')"
        done
        up99=$(for f in "$RESULTS"/ttft-upstream-run*.txt; do field "$f" ttft_p99_us; done | median)
        gw99=$(for f in "$RESULTS"/ttft-gateway-run*.txt; do field "$f" ttft_p99_us; done | median)
        awk -v g="$gw99" -v u="$up99" 'BEGIN {printf "gateway minus upstream, time to first token at p99: %.2f ms\n", (g - u) / 1000}'
    } | tee -a "$RESULTS/summary.txt"
fi
if ((MANY_STREAMS > 0)) && [[ -f $RESULTS/many-streams-result.txt ]]; then
    m=$RESULTS/many-streams-result.txt
    ms() { awk -v v="$(field "$m" "$1")" 'BEGIN {printf "%.1f", v / 1000}'; }
    {
        echo
        echo "Many streams at once ($MANY_STREAMS streams of ${MANY_HOLD}s, one chunk per ${MANY_CHUNK_DELAY_MS} ms, started over ${MANY_RAMP}s):"
        echo "  streams that ended with [DONE]: $(field "$m" ok) of $MANY_STREAMS; errors: $(field "$m" errors); events per stream: $(field "$m" events_min) to $(field "$m" events_max) (expected $(field "$m" expected_events))"
        echo "  time to first token: p50 $(ms ttft_p50_us) ms, p99 $(ms ttft_p99_us) ms; a stream's longest pause between two reads: p50 $(ms gap_p50_us) ms, p99 $(ms gap_p99_us) ms, max $(ms gap_max_us) ms"
        echo "  usage ledger: $(field "$m" usage_records) records (expected $MANY_STREAMS), $(field "$m" usage_completion_tokens) completion tokens (expected $(field "$m" expected_completion_tokens))"
        echo "  the gateway's peak resident memory during the phase: $(field "$m" peak_rss_mib) MiB; its CPU: $(field "$m" cpu_s) s; it allocated $(field "$m" alloc_mib) MiB ($(field "$m" alloc_kb_per_event) KB per event sent); the hypervisor stole $(field "$m" steal_pct) % of the machine's CPU"
        echo "  the gateway's event loops ran $(field "$m" event_loops_ran_s) s and waited $(field "$m" event_loops_waited_s) s for a CPU while ready to run"
    } | tee -a "$RESULTS/summary.txt"
fi
# peak resident memory (VmHWM) of each target's own processes over the whole benchmark, read before they stop
peak_rss_mib() {  # target
    local total=0 kb
    for p in $(target_processes "$1"); do
        kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null) || kb=0
        total=$((total + ${kb:-0}))
    done
    awk -v kb="$total" 'BEGIN {printf "%.0f", kb / 1024}'
}
echo "peak resident memory (VmHWM of its own processes, whole benchmark): gateway $(peak_rss_mib gateway) MiB, nginx $(peak_rss_mib nginx) MiB, upstream $(peak_rss_mib upstream) MiB" \
    | tee -a "$RESULTS/summary.txt"
if [[ -s $RESULTS/foreign-cpu.txt ]]; then
    {
        echo "WARNING: other processes used the CPU during measured runs (sampled once per run; >= 10% of one core):"
        sed 's/^/  /' "$RESULTS/foreign-cpu.txt"
    } | tee -a "$RESULTS/summary.txt"
else
    echo "no other process was seen using >= 10% CPU during the measured runs (one sample per run)" \
        | tee -a "$RESULTS/summary.txt"
fi
if [[ $PROFILE == async && -s $RESULTS/gateway-cpu.collapsed ]]; then
    # CPU per request over the profiled runs, so that each stage's share is also in microseconds
    per_request=$(awk '/^BENCH_CPU/ {for (i = 2; i <= NF; i++) if ($i ~ /^cpu_s=/) {split($i, kv, "="); s += kv[2]}}
        /^BENCH_RESULT/ {for (i = 2; i <= NF; i++) if ($i ~ /^requests=/) {split($i, kv, "="); n += kv[2]}}
        END {printf "%.1f", (n > 0 ? 1e6 * s / n : 0)}' "$RESULTS"/plain-gateway-run*.txt)
    {
        echo
        echo "The gateway's CPU by stage over its measured plain runs (async-profiler, $per_request us of CPU per request"
        echo "while profiled; tools/stages.py says how samples are assigned):"
        python3 "$BENCH_DIR/tools/stages.py" "$RESULTS/gateway-cpu.collapsed" "$per_request"
    } | tee "$RESULTS/stages.txt"
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RESULTS/environment.txt"
log "raw outputs in $RESULTS"
