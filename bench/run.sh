#!/usr/bin/env bash
# One-command benchmark of the gateway against nginx and the two floors of its own stack, all in front of the same
# fake upstream, in one run: the targets take turns (round-robin per measured run, RUNS rounds, medians reported), so
# a drift of a shared machine spreads over all of them. Prints, per phase, each target's figures and ratios, and at
# the end every target of bench/README.md with its measured value, MET or MISSED. See bench/README.md.
#
# Targets (all on 127.0.0.1, each started by this script):
#   upstream  bench/fake-upstream, answered directly: the reference for latencies (not a proxy)
#   nginx     nginx as a plain reverse proxy (bench/nginx)
#   webflux   bench/floor on Spring WebFlux + WebClient: the gateway's HTTP stack doing nothing but forward
#   netty     bench/floor on Reactor Netty alone (server and client), no Spring
#   gateway   the gateway, with everything on: a service key, profile validation, limits of every kind on the
#             project, a price, the usage ledger on the embedded PostgreSQL
#
# Phases (PHASES, in this order):
#   first   the first FIRST requests after readiness, one at a time, each paired with the same request sent direct
#           (tools/FirstRequests.java), through each proxy before it has had any other load; the gateway's
#           x-gateway-overhead-ms header against the overhead the client observed
#   plain   wrk closed loop, non-streamed: req/s, CPU µs and KB allocated per request
#   stream  wrk closed loop, streamed (13 events, no pauses): the same per stream
#   events  paced streams at an open rate (tools/OpenStreams.java): paced-10-1 (5 events) and paced-10-100 (104
#           events), 10 ms apart; the difference gives the CPU and allocation per streamed event, and per stream
#   ttft    time to first token at an open (Poisson) rate of half the gateway's streamed capacity (its median
#           streamed req/s in the stream phase), every target and the upstream direct
#   held    HELD paced streams through the gateway at once, one chunk per 100 ms for HELD_SECONDS, every usage
#           record checked against its stream by x-request-id, the gateway's resident memory sampled every second
# Warm-up: before the rounds, each JVM proxy gets load in 10 s slices (plain, stream, paced events in turn) until
# its JIT compile queue has been empty for JIT_QUIET s (tools/JvmProbe.java samples it every 5 s), at least
# WARMUP_MIN s and at most WARMUP_MAX s. The gateway's samples give the "JIT queue drained at minute N" report.
#
# Knobs (environment variables):
#   PIN=0              1: each proxy on CPU 0, wrk, the clients and the upstream on CPU 1 (taskset), so a ratio
#                      compares one core with one core (nginx then runs one worker; the JVMs see one CPU)
#   RUNS=3             rounds; each figure is the median of its rounds
#   DURATION=8         seconds of each measured run (wrk, events, ttft)
#   CONNECTIONS=64     wrk -c              THREADS=2     wrk -t
#   PHASES="first plain stream events ttft"   (held is added when HELD > 0)
#   PROXIES="nginx webflux netty gateway"     the proxies to measure (the upstream is always there)
#   FIRST=200          requests of the first phase
#   EVENT_RATE=100     paced streams started per second in the events phase
#   TTFT_RATE=         streams per second in the ttft phase (default: half the gateway's streamed req/s)
#   HELD=0             N > 0: the held phase with N streams; HELD_SECONDS=60 each, their starts spread over
#                      HELD_RAMP=20 s
#   WARMUP_MIN=60 WARMUP_MAX=240 JIT_QUIET=30   the JVM proxies' warm-up (seconds)
#   QUIET=10           a measured run during which other processes used >= QUIET % of a CPU is measured again, once
#                      they have used less for 2 s (waiting at most 2 minutes), at most twice; 0: never
#   GATEWAY_JAR        default gateway-app/target/llm-gateway.jar (built when missing)
#   GATEWAY_JAVA_OPTS  default "-Xmx768m -XX:MetaspaceSize=256m -XX:+ExitOnOutOfMemoryError" (the Helm chart's); the floors get the same
#   GATEWAY_ARGS       extra gateway arguments (word-split)
#   LIMITS=on          off: no limits on the bench project
#   GATEWAY_API_KEY, GATEWAY_USER_ID, GATEWAY_PROJECT_ID   your own key (default: run.sh issues a service key of a
#                      project "bench" through the admin API; X-User-Id bench-user); AUTO_KEY=0 never issues one
#   PROFILE=0          async: async-profiler on each JVM proxy during its measured plain runs; CPU by stage printed
#                      alloc: the same with its allocation profile; bytes by allocating frame and type printed
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)

PIN=${PIN:-0}
RUNS=${RUNS:-3}
DURATION=${DURATION:-8}; DURATION=${DURATION%s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
HELD=${HELD:-0}
HELD_SECONDS=${HELD_SECONDS:-60}
HELD_RAMP=${HELD_RAMP:-20}
PHASES=${PHASES:-first plain stream events ttft}
((HELD > 0)) && [[ " $PHASES " != *" held "* ]] && PHASES+=" held"
PROXIES=${PROXIES:-nginx webflux netty gateway}
FIRST=${FIRST:-200}
EVENT_RATE=${EVENT_RATE:-100}
TTFT_RATE=${TTFT_RATE:-}
WARMUP_MIN=${WARMUP_MIN:-60}
WARMUP_MAX=${WARMUP_MAX:-240}
JIT_QUIET=${JIT_QUIET:-30}
QUIET=${QUIET:-10}
GATEWAY_JAR=${GATEWAY_JAR:-$ROOT/gateway-app/target/llm-gateway.jar}
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS--Xmx768m -XX:MetaspaceSize=256m -XX:+ExitOnOutOfMemoryError}
GATEWAY_ARGS=${GATEWAY_ARGS:-}
LIMITS=${LIMITS:-on}
GATEWAY_API_KEY=${GATEWAY_API_KEY:-}
GATEWAY_USER_ID=${GATEWAY_USER_ID:-}
GATEWAY_PROJECT_ID=${GATEWAY_PROJECT_ID:-}
AUTO_KEY=${AUTO_KEY:-1}
PROFILE=${PROFILE:-0}

# fixed shapes (documented in bench/README.md)
EVENT_DELAY_MS=10; EVENT_SHORT=1; EVENT_LONG=100       # paced-10-1: 5 events; paced-10-100: 104 events
HELD_CHUNK_MS=100; HELD_CHUNKS=$((HELD_SECONDS * 1000 / HELD_CHUNK_MS))
JIT_SAMPLE=5
JIT_BACKLOG=3     # "drained": no 5 s sample of the compile queue shows more than this many tasks waiting
WARMUP_SLICE=10
PRICE_IN=0.5; PRICE_OUT=1.5                             # USD per million tokens, every bench model
BENCH_LIMITS='{"requests_per_minute":1000000000,"tokens_per_minute":1000000000000,"concurrent_requests":100000,"token_budget":{"limit":1000000000000000,"period":"month"},"cost_budget":{"limit_usd":1000000,"period":"month"}}'
CHAT_PATH=/v1/chat/completions
BODY='{"model":"bench-model","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":32}'
STREAM_BODY='{"model":"bench-model","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":32,"stream":true,"stream_options":{"include_usage":true}}'

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
has_phase() { [[ " $PHASES " == *" $1 "* ]]; }
has_proxy() { [[ " $PROXIES " == *" $1 "* ]]; }
is_jvm() { [[ $1 == webflux || $1 == netty || $1 == gateway ]]; }

for p in $PHASES; do [[ " first plain stream events ttft held " == *" $p "* ]] || die "unknown phase '$p'"; done
for p in $PROXIES; do [[ " nginx webflux netty gateway " == *" $p "* ]] || die "unknown proxy '$p'"; done
has_phase held && ! has_proxy gateway && die "the held phase needs the gateway in PROXIES"
if has_phase ttft && [[ -z $TTFT_RATE ]] && { ! has_phase stream || ! has_proxy gateway; }; then
    die "the ttft phase takes half the gateway's streamed req/s: keep the stream phase and the gateway, or set TTFT_RATE"
fi
# the held phase alone needs the gateway alone
has_phase first || has_phase plain || has_phase stream || has_phase events || has_phase ttft || PROXIES=gateway
TARGETS=(upstream)
for p in $PROXIES; do TARGETS+=("$p"); done

# ---------------------------------------------------------------- tools
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
if ! command -v wrk >/dev/null || { has_proxy nginx && ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; }; then
    log "installing wrk and nginx (apt-get)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for tool in java javac curl wrk ss; do command -v "$tool" >/dev/null || die "$tool is missing"; done
has_phase held && ! command -v psql >/dev/null && die "the held phase reads the ledger with psql (apt-get install postgresql-client)"

PROXY_CPU=0; LOAD_CPU=1
PROXY_PIN=()
if [[ $PIN == 1 ]]; then
    (($(nproc) >= 2)) || die "PIN=1 needs two CPUs"
    taskset -pc "$LOAD_CPU" $$ > /dev/null || die "taskset does not work here: run with PIN=0"
    PROXY_PIN=(taskset -c "$PROXY_CPU")   # this script and all it starts without it (wrk, clients, upstream): CPU 1
fi

ASYNC_PROFILER_LIB=
[[ $PROFILE == 0 || $PROFILE == async || $PROFILE == alloc ]] || die "PROFILE is 0, async or alloc, not '$PROFILE'"
if [[ $PROFILE != 0 ]]; then
    [[ $(uname -m) == x86_64 ]] || die "PROFILE=$PROFILE: only linux-x64 is set up here"
    command -v python3 >/dev/null || die "PROFILE=$PROFILE needs python3 (tools/stages.py, tools/allocations.py)"
    cache=${XDG_CACHE_HOME:-$HOME/.cache}/llm-gateway-bench/async-profiler-4.2
    ASYNC_PROFILER_LIB=$cache/linux-x64/libasyncProfiler.so
    if [[ ! -f $ASYNC_PROFILER_LIB ]]; then
        log "fetching async-profiler 4.2 from Maven Central"
        mkdir -p "$cache"
        "$ROOT/mvnw" -B -q -ntp dependency:copy -Dartifact=tools.profiler:async-profiler:4.2 "-DoutputDirectory=$cache" >&2 \
            && (cd "$cache" && unzip -q -o async-profiler-4.2.jar 'linux-x64/*') || die "could not fetch async-profiler"
    fi
fi

# ---------------------------------------------------------------- build what's missing or stale
build_if_stale() {  # project dir, jar
    if [[ ! -f $2 ]] || [[ -n $(find "$1/src" "$1/pom.xml" -newer "$2" -type f 2>/dev/null) ]]; then
        log "building $(basename "$1")"
        "$ROOT/mvnw" -o -f "$1/pom.xml" -B -q package 2>/dev/null || "$ROOT/mvnw" -f "$1/pom.xml" -B -q package
    fi
}
UPSTREAM_JAR=$BENCH_DIR/fake-upstream/target/fake-upstream.jar
FLOOR_JAR=$BENCH_DIR/floor/target/floor.jar
build_if_stale "$BENCH_DIR/fake-upstream" "$UPSTREAM_JAR"
{ has_proxy webflux || has_proxy netty; } && build_if_stale "$BENCH_DIR/floor" "$FLOOR_JAR"
if has_proxy gateway && [[ ! -f $GATEWAY_JAR ]]; then
    log "building the gateway (no $GATEWAY_JAR)"
    (cd "$ROOT" && ./mvnw -B -q -DskipTests -Djacoco.skip=true package)
    [[ -f $GATEWAY_JAR ]] || die "the build did not produce $GATEWAY_JAR"
fi

# ---------------------------------------------------------------- work and result dirs, cleanup
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$BENCH_DIR/results/$STAMP
mkdir -p "$RESULTS"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/llm-gateway-bench.XXXXXX")
has_proxy gateway && cp "$GATEWAY_JAR" "$WORK/llm-gateway.jar"   # a rebuild cannot replace the jar under the run
TOOLS=$WORK/tools
JVMSTAT=(--add-exports jdk.internal.jvmstat/sun.jvmstat.monitor=ALL-UNNAMED)
javac -d "$TOOLS" "${JVMSTAT[@]}" "$BENCH_DIR"/tools/{JvmProbe,FirstRequests,OpenStreams,ManyStreams,MintKey,Attach}.java \
    || die "the bench tools do not compile"
tool() { java "${JVMSTAT[@]}" -cp "$TOOLS" "$@"; }

declare -A PID=()      # target -> pid (each started with setsid: also its process group)
BACKGROUND=()          # samplers of ours
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
    local status=$? pid pg t
    set +e
    trap - EXIT INT TERM
    for pid in "${BACKGROUND[@]}"; do kill "$pid" 2>/dev/null; done
    for t in "${!PID[@]}"; do stop_group "${PID[$t]}" 45; done
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
    for t in "${TARGETS[@]}"; do cp "$WORK/$t.log" "$RESULTS/" 2>/dev/null; done
    cp "$WORK/nginx/error.log" "$RESULTS/nginx-error.log" 2>/dev/null
    cp "$WORK/nginx/nginx.conf" "$RESULTS/nginx.conf" 2>/dev/null
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- free loopback ports
# below the kernel's range for outgoing connections, and checked against every socket (a local end of an outgoing
# connection holds its port too)
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
declare -A PORT=()
for t in "${TARGETS[@]}"; do PORT[$t]=$(free_port); done
url_of() { echo "http://127.0.0.1:${PORT[$1]}$CHAT_PATH"; }

# ---------------------------------------------------------------- environment record
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "command: PIN=$PIN RUNS=$RUNS DURATION=$DURATION CONNECTIONS=$CONNECTIONS THREADS=$THREADS PHASES='$PHASES' PROXIES='$PROXIES' FIRST=$FIRST EVENT_RATE=$EVENT_RATE TTFT_RATE=$TTFT_RATE HELD=$HELD HELD_SECONDS=$HELD_SECONDS HELD_RAMP=$HELD_RAMP WARMUP_MIN=$WARMUP_MIN WARMUP_MAX=$WARMUP_MAX JIT_QUIET=$JIT_QUIET PROFILE=$PROFILE bench/run.sh"
    echo "git: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null) $(git -C "$ROOT" status --porcelain 2>/dev/null | grep -qv '^??' && echo '(work tree has uncommitted changes)')"
    has_proxy gateway && echo "gateway jar: $GATEWAY_JAR ($(date -u -r "$GATEWAY_JAR" '+%Y-%m-%d %H:%M:%S UTC'))"
    echo "gateway java opts (also the floors'): $GATEWAY_JAVA_OPTS"
    echo "gateway args: $GATEWAY_ARGS"
    echo "pinning: $([[ $PIN == 1 ]] && echo "proxies on CPU $PROXY_CPU; wrk, clients, upstream on CPU $LOAD_CPU" || echo none)"
    echo "cpus: $(getconf _NPROCESSORS_ONLN); cpu: $(lscpu 2>/dev/null | grep 'Model name' | sed 's/.*: *//'); memory: $(free -h | awk '/^Mem:/ {print $2}'); open files: $(ulimit -n)"
    echo "java: $(java -version 2>&1 | head -n 1); nginx: $("$NGINX" -v 2>&1); wrk: $(wrk -v 2>&1 | head -n 1)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "busiest processes at start:"
    ps -eo pid,pcpu,etime,comm --sort=-pcpu | head -n 8
} > "$RESULTS/environment.txt"
log "results: $RESULTS"

# ---------------------------------------------------------------- start the servers
start() {  # target, pinned (0/1), command...
    local t=$1 pinned=$2
    shift 2
    if [[ $pinned == 1 ]]; then
        (cd "$WORK" && exec setsid "${PROXY_PIN[@]}" "$@" > "$WORK/$t.log" 2>&1 < /dev/null) &
    else
        (cd "$WORK" && exec setsid "$@" > "$WORK/$t.log" 2>&1 < /dev/null) &
    fi
    PID[$t]=$!
}
# shellcheck disable=SC2206 # word-split on purpose
JAVA_OPTS=($GATEWAY_JAVA_OPTS)
log "starting the fake upstream on :${PORT[upstream]}"
start upstream 0 java -Xms256m -Xmx512m -jar "$UPSTREAM_JAR" "${PORT[upstream]}"
if has_proxy nginx; then
    mkdir -p "$WORK/nginx"
    sed -e "s|@PREFIX@|$WORK/nginx|g" -e "s|@LISTEN_PORT@|${PORT[nginx]}|g" -e "s|@UPSTREAM_PORT@|${PORT[upstream]}|g" \
        -e "s|@WORKERS@|$([[ $PIN == 1 ]] && echo 1 || echo auto)|g" \
        "$BENCH_DIR/nginx/nginx.conf.template" > "$WORK/nginx/nginx.conf"
    log "starting nginx on :${PORT[nginx]}"
    start nginx 1 "$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx/" -e "$WORK/nginx/error.log"
fi
for floor in webflux netty; do
    has_proxy $floor || continue
    log "starting the $floor floor on :${PORT[$floor]}"
    start $floor 1 java "${JAVA_OPTS[@]}" -jar "$FLOOR_JAR" "--floor.server=$floor" --server.address=127.0.0.1 \
        "--server.port=${PORT[$floor]}" "--gateway.deployments.bench.base-url=http://127.0.0.1:${PORT[upstream]}/v1"
done
EVENT_MODELS=("paced-$EVENT_DELAY_MS-$EVENT_SHORT" "paced-$EVENT_DELAY_MS-$EVENT_LONG")
HELD_MODEL=paced-$HELD_CHUNK_MS-$HELD_CHUNKS
BENCH_ADMIN_TOKEN=
if has_proxy gateway; then
    BENCH_ADMIN_TOKEN=${GATEWAY_AUTH_ADMIN_TOKEN:-$(tool MintKey gwa_ | cut -d' ' -f1)}
    [[ -n $BENCH_ADMIN_TOKEN ]] || die "could not mint an admin token"
    GATEWAY_MODELS=()
    i=0
    for model in bench-model "${EVENT_MODELS[@]}" "$HELD_MODEL"; do
        GATEWAY_MODELS+=("--gateway.models[$i].id=$model" "--gateway.models[$i].deployment=bench"
            "--gateway.models[$i].price.input-per-million=$PRICE_IN" "--gateway.models[$i].price.output-per-million=$PRICE_OUT")
        i=$((i + 1))
    done
    # room for the held streams in the deployment's pool and bulkhead (both 1000 by default)
    ((HELD > 1000)) && GATEWAY_MODELS+=("--gateway.upstream-pool.max-connections=$HELD"
        "--resilience4j.bulkhead.configs.default.max-concurrent-calls=$HELD")
    log "starting the gateway on :${PORT[gateway]}"
    # shellcheck disable=SC2086 # GATEWAY_ARGS is word-split on purpose
    export GATEWAY_AUTH_ADMIN_TOKEN=$BENCH_ADMIN_TOKEN
    start gateway 1 java "${JAVA_OPTS[@]}" -jar "$WORK/llm-gateway.jar" \
        --server.address=127.0.0.1 "--server.port=${PORT[gateway]}" "--gateway.database.embedded.data-dir=$WORK/pg" \
        --gateway.deployments.bench.type=openai "--gateway.deployments.bench.base-url=http://127.0.0.1:${PORT[upstream]}/v1" \
        "${GATEWAY_MODELS[@]}" $GATEWAY_ARGS
fi

wait_for() {  # target, seconds, curl arguments...
    local t=$1 limit=$2 i code
    shift 2
    for ((i = 0; i < limit * 5; i++)); do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" || true)
        [[ $code == 200 ]] && { log "$t is ready"; return 0; }
        kill -0 "${PID[$t]}" 2>/dev/null || { tail -n 40 "$WORK/$t.log" >&2; die "$t exited while starting"; }
        sleep 0.2
    done
    tail -n 40 "$WORK/$t.log" >&2
    die "$t did not answer 200 within ${limit}s (last status $code)"
}
health_url() {
    case $1 in
        gateway) echo "http://127.0.0.1:${PORT[gateway]}/actuator/health/readiness" ;;
        webflux | netty) echo "http://127.0.0.1:${PORT[$1]}/actuator/health" ;;
    esac
}
wait_for upstream 60 -X POST -H 'Content-Type: application/json' -d "$BODY" "$(url_of upstream)"
has_proxy nginx && wait_for nginx 30 -X POST -H 'Content-Type: application/json' -d "$BODY" "$(url_of nginx)"
for t in webflux netty gateway; do if has_proxy $t; then wait_for $t 180 "$(health_url $t)"; fi; done

# ---------------------------------------------------------------- the key (a service key of project bench) and limits
admin() {  # method, path, body -> the answer in $WORK/admin.json, the status on stdout
    curl -s -o "$WORK/admin.json" -w '%{http_code}' --max-time 10 -X "$1" -H "Authorization: Bearer $BENCH_ADMIN_TOKEN" \
        -H 'Content-Type: application/json' ${3:+-d "$3"} "http://127.0.0.1:${PORT[gateway]}$2" || true
}
if has_proxy gateway && [[ -z $GATEWAY_API_KEY && $AUTO_KEY == 1 ]]; then
    code=$(admin POST /admin/v1/projects '{"id":"bench","name":"bench"}')
    [[ $code == 200 || $code == 201 || $code == 409 ]] || die "the admin API did not create project bench ($code: $(head -c 300 "$WORK/admin.json"))"
    code=$(admin POST /admin/v1/projects/bench/keys '{"name":"bench"}')
    GATEWAY_API_KEY=$(sed -n 's/.*"key" *: *"\([^"]*\)".*/\1/p' "$WORK/admin.json")
    [[ ($code == 200 || $code == 201) && -n $GATEWAY_API_KEY ]] || die "the admin API did not issue a key ($code)"
    echo "api key: a service key of project bench, issued through the admin API" >> "$RESULTS/environment.txt"
    if [[ $LIMITS == on ]]; then
        code=$(admin PUT /admin/v1/projects/bench/limits "$BENCH_LIMITS")
        [[ $code == 200 ]] || die "the admin API did not take the limits ($code: $(head -c 300 "$WORK/admin.json"))"
        echo "limits: every kind on project bench, none binding: $BENCH_LIMITS" >> "$RESULTS/environment.txt"
    else
        echo "limits: off" >> "$RESULTS/environment.txt"
    fi
    log "issued a service key of project bench; limits $LIMITS"
fi
[[ -n $GATEWAY_API_KEY ]] && : "${GATEWAY_USER_ID:=bench-user}"
export GATEWAY_API_KEY GATEWAY_USER_ID GATEWAY_PROJECT_ID   # for wrk/chat.lua
HEADERS=()   # "Name: value" for the Java clients
[[ -n $GATEWAY_API_KEY ]] && HEADERS+=("Authorization: Bearer $GATEWAY_API_KEY")
[[ -n $GATEWAY_USER_ID ]] && HEADERS+=("X-User-Id: $GATEWAY_USER_ID")
[[ -n $GATEWAY_PROJECT_ID ]] && HEADERS+=("X-Project-Id: $GATEWAY_PROJECT_ID")
CURL_HEADERS=(-H 'Content-Type: application/json')
for h in "${HEADERS[@]}"; do CURL_HEADERS+=(-H "$h"); done

# ---------------------------------------------------------------- measuring a target
CLK_TCK=$(getconf CLK_TCK)
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" "$1" | tail -n 1; }
target_pids() { [[ -n ${PID[$1]:-} ]] && pgrep -g "${PID[$1]}" || true; }   # its process group: nginx's master and workers
jvm_pid() { pgrep -g "${PID[$1]}" java | head -n 1; }
db_pids() {   # the gateway's embedded PostgreSQL (a session of its own): the postmaster and its children
    local pg
    [[ -f $WORK/pg/postmaster.pid ]] || return 0
    pg=$(head -n 1 "$WORK/pg/postmaster.pid")
    echo "$pg"
    pgrep -P "$pg" || true
}
ticks_of() {  # pids... -> user + system clock ticks so far (bash builtins only: no process per pid)
    local total=0 p line f
    for p in "$@"; do
        read -r line 2>/dev/null < "/proc/$p/stat" || continue
        read -ra f <<< "${line##*) }"
        total=$((total + f[11] + f[12]))
    done
    echo "$total"
}
# shellcheck disable=SC2046
target_ticks() { ticks_of $(target_pids "$1"); }
# shellcheck disable=SC2046
db_ticks() { if [[ $1 == gateway ]]; then ticks_of $(db_pids); else echo 0; fi; }
# The hypervisor's share of the machine's CPU (steal), from /proc/stat: "stolen total" ticks so far
steal_ticks() { awk '/^cpu / {t = 0; for (i = 2; i <= NF; i++) t += $i; print $9, t; exit}' /proc/stat; }
steal_pct() {
    local s0 t0 s1 t1
    read -r s0 t0 <<< "$1"; read -r s1 t1 <<< "$(steal_ticks)"
    awk -v s="$((s1 - s0))" -v t="$((t1 - t0))" 'BEGIN {printf "%.0f", (t > 0 ? 100 * s / t : 0)}'
}
# Bytes allocated by a JVM target's threads: a snapshot per thread before, one after, from the target's probe
# (tools/JvmProbe.java serve, started once per JVM below: it also samples the JIT's queue)
declare -A PROBE_IN=() PROBE_OUT=()
start_probe() {  # target
    local in=$WORK/probe-$1.in out=$WORK/probe-$1.out fd
    mkfifo "$in" "$out"
    java "${JVMSTAT[@]}" -cp "$TOOLS" JvmProbe serve "$(jvm_pid "$1")" "$JIT_SAMPLE" "$RESULTS/jit-$1.txt" \
        < "$in" > "$out" 2> "$WORK/probe-$1.err" &
    BACKGROUND+=($!)
    exec {fd}> "$in"; PROBE_IN[$1]=$fd
    exec {fd}< "$out"; PROBE_OUT[$1]=$fd
}
alloc_snapshot() {  # target, file
    local line
    : > "$2"
    is_jvm "$1" || return 0
    echo alloc >&"${PROBE_IN[$1]}"
    while IFS= read -r -t 30 -u "${PROBE_OUT[$1]}" line && [[ $line != END ]]; do echo "$line" >> "$2"; done
}
alloc_diff() {  # before, after -> "bytes threads_that_ended"
    awk 'NR == FNR {b[$1] = $2; next} {if ($1 in b) {d += $2 - b[$1]; delete b[$1]} else d += $2}
        END {n = 0; for (k in b) n++; printf "%.0f %d\n", d, n}' "$1" "$2"
}
# The CPU other processes used during a run (the machine may be shared): the machine's busy time (/proc/stat) minus
# ours: the targets, the gateway's database, this script's session (live processes, and the children it has reaped,
# such as wrk and the clients, through its cumulative times)
machine_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8; exit}' /proc/stat; }
# shellcheck disable=SC2046
ours_ticks() {
    local t
    echo $(( $(ticks_of $( { for t in "${!PID[@]}"; do target_pids "$t"; done; db_pids; pgrep -s 0; } | sort -u)) \
        + $(awk '{sub(/^.*\) /, ""); print $14 + $15}' /proc/$$/stat) ))
}
profiler() {  # target, async-profiler command
    tool Attach "$(jvm_pid "$1")" "$ASYNC_PROFILER_LIB" "$2" > /dev/null || log "WARNING: async-profiler did not take '$2'"
}

run_wrk() {  # mode (plain or stream), target, seconds, output file
    BENCH_STREAM=$([[ $1 == stream ]] && echo 1 || echo 0) BENCH_CONNECTIONS=$CONNECTIONS \
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"${3}s" --timeout 10s -s "$BENCH_DIR/wrk/chat.lua" "$(url_of "$2")" \
        > "$4" 2>&1 || die "wrk failed: $(cat "$4")"
    grep -q '^BENCH_RESULT ' "$4" || die "no result line in $4"
}
open_streams() {  # target, output file, seconds; environment: STREAM_RATE, STREAM_MODEL, STREAM_WARMUP
    tool OpenStreams "$(url_of "$1")" "$3" "${HEADERS[@]}" > "$2" 2>&1 || die "the stream client failed: $(tail -n 5 "$2")"
    grep -q '^STREAM_RESULT ' "$2" || die "no result line in $2"
}
# wraps one measured load of a target: its CPU (and the gateway's database's), allocation and the steal
measure_begin() {  # target
    alloc_snapshot "$1" "$WORK/alloc-before"
    M_TICKS=$(target_ticks "$1"); M_DB=$(db_ticks "$1"); M_STEAL=$(steal_ticks)
    M_BUSY=$(machine_busy); M_OURS=$(ours_ticks); M_START=$(date +%s%N)
}
measure_end() {  # target, output file: appends "BENCH_CPU cpu_ticks= db_ticks= alloc_bytes= threads_ended= steal_pct= foreign_pct="
    sleep 1   # the ledger's batch and other work the load left behind
    local ticks db steal foreign
    ticks=$(( $(target_ticks "$1") - M_TICKS )); db=$(( $(db_ticks "$1") - M_DB )); steal=$(steal_pct "$M_STEAL")
    foreign=$(awk -v b="$(( $(machine_busy) - M_BUSY ))" -v o="$(( $(ours_ticks) - M_OURS ))" -v ns="$(( $(date +%s%N) - M_START ))" \
        -v hz="$CLK_TCK" 'BEGIN {f = 100 * (b - o) / hz / (ns / 1e9); printf "%.0f", (f < 0 ? 0 : f)}')
    alloc_snapshot "$1" "$WORK/alloc-after"
    read -r bytes ended <<< "$(alloc_diff "$WORK/alloc-before" "$WORK/alloc-after")"
    ((ended == 0)) || log "WARNING: $1: $ended threads ended during the run; their last allocations are not counted"
    echo "BENCH_CPU cpu_ticks=$ticks db_ticks=$db alloc_bytes=$bytes threads_ended=$ended steal_pct=$steal foreign_pct=$foreign elapsed_ms=$(( ($(date +%s%N) - M_START) / 1000000 )) clk_tck=$CLK_TCK" >> "$2"
}

# ---------------------------------------------------------------- a probe per JVM proxy (allocation, JIT queue)
for t in "${TARGETS[@]}"; do if is_jvm "$t"; then start_probe "$t"; fi; done
now_ms() { date +%s%3N; }
declare -A LOAD_START=() WARM_END=()
echo "ready $(now_ms)" > "$RESULTS/timeline.txt"
mark() { echo "$1 $(now_ms)" >> "$RESULTS/timeline.txt"; }

# the upstream first: its JIT warms up before it serves as the reference
log "upstream: warm-up 20 s"
run_wrk plain upstream 10 "$RESULTS/warmup-upstream-plain.txt"
run_wrk stream upstream 10 "$RESULTS/warmup-upstream-stream.txt"

# ---------------------------------------------------------------- phase first: the first requests after readiness
if has_phase first; then
    for t in $PROXIES; do
        out=$RESULTS/first-$t.txt
        log "first: $FIRST streamed requests through $t, one at a time, each paired with one direct"
        [[ -z ${LOAD_START[$t]:-} ]] && LOAD_START[$t]=$(now_ms) && mark "first-start-$t"
        measure_begin "$t"
        tool FirstRequests "$(url_of upstream)" "$(url_of "$t")" "$FIRST" "${HEADERS[@]}" > "$out" 2>&1 \
            || die "FirstRequests failed: $(tail -n 5 "$out")"
        measure_end "$t" "$out"
        grep -q '^FIRST_RESULT ' "$out" || die "no result line in $out"
        log "first / $t: TTFT p50 direct $(field "$out" direct_ttft_p50_us) us, through $t $(field "$out" gateway_ttft_p50_us) us; header minus observed p50 $(field "$out" header_minus_observed_p50_us) us; errors $(field "$out" errors)"
    done
fi

# ---------------------------------------------------------------- one checked request per target and kind
for t in "${TARGETS[@]}"; do
    out=$RESULTS/check-$t.txt
    code=$(curl -s -o "$out" -w '%{http_code}' --max-time 10 -X POST "${CURL_HEADERS[@]}" -d "$BODY" "$(url_of "$t")" || true)
    [[ $code == 200 ]] && grep -q '"chat.completion"' "$out" || die "$t: the chat completion answered $code: $(head -c 500 "$out")"
    for model in bench-model "${EVENT_MODELS[@]}"; do
        out=$RESULTS/check-$t-stream-$model.txt
        code=$(curl -s -N -o "$out" -w '%{http_code}' --max-time 10 -X POST "${CURL_HEADERS[@]}" -H 'Accept: text/event-stream' \
            -d "${STREAM_BODY/bench-model/$model}" "$(url_of "$t")" || true)
        [[ $code == 200 ]] && grep -q '^data: \[DONE\]' "$out" || die "$t: the stream of $model answered $code: $(head -c 500 "$out")"
    done
done
log "every target answers a valid chat completion and valid streams"

# ---------------------------------------------------------------- warm-up
jit_quiet() {  # target, seconds -> true when no JIT sample of the last seconds shows a backlog
    awk -v since="$(( $(now_ms) - $2 * 1000 ))" -v need="$(( $2 / JIT_SAMPLE - 1 ))" -v most="$JIT_BACKLOG" \
        '$1 >= since {n++; if ($2 > most) busy = 1} END {exit !(n >= need && !busy)}' "$RESULTS/jit-$1.txt"
}
events_warmup() {  # target, seconds
    STREAM_MODEL=${EVENT_MODELS[1]} STREAM_RATE=$EVENT_RATE open_streams "$1" "$RESULTS/warmup-$1-events.txt" "$2"
}
if has_phase plain || has_phase stream || has_phase events || has_phase ttft; then
    for t in $PROXIES; do
        [[ -z ${LOAD_START[$t]:-} ]] && LOAD_START[$t]=$(now_ms)
        mark "warmup-start-$t"
        if ! is_jvm "$t"; then
            log "$t: warm-up 10 s"
            run_wrk plain "$t" 5 "$RESULTS/warmup-$t-plain.txt"; run_wrk stream "$t" 5 "$RESULTS/warmup-$t-stream.txt"
            mark "warmup-end-$t"
            continue
        fi
        log "$t: warm-up in ${WARMUP_SLICE}s slices until its JIT queue has been empty for ${JIT_QUIET}s (${WARMUP_MIN}-${WARMUP_MAX}s)"
        began=$(date +%s); slice=0
        kinds=(plain stream); has_phase events && kinds+=(events)
        while :; do
            kind=${kinds[$((slice % ${#kinds[@]}))]}
            if [[ $kind == events ]]; then events_warmup "$t" "$WARMUP_SLICE"
            else run_wrk "$kind" "$t" "$WARMUP_SLICE" "$RESULTS/warmup-$t-$kind.txt"; fi
            slice=$((slice + 1)); elapsed=$(( $(date +%s) - began ))
            ((elapsed >= WARMUP_MIN)) && jit_quiet "$t" "$JIT_QUIET" && { log "$t: JIT queue drained; warm-up ${elapsed}s"; break; }
            ((elapsed >= WARMUP_MAX)) && { log "$t: warm-up stopped at ${elapsed}s, the JIT queue not drained"; break; }
        done
        mark "warmup-end-$t"
    done
fi
mark rounds-start

# ---------------------------------------------------------------- phases plain and stream: wrk, closed loop
# A run disturbed by other processes is done again once they are quiet (QUIET); the disturbed output is kept aside
foreign_now() {  # FOREIGN: the CPU other processes use over 2 s, in % of a CPU (not in a subshell: what the
    local b o s      # measuring itself starts must reach this shell's cumulative times to count as ours)
    b=$(machine_busy); o=$(ours_ticks); s=$(date +%s%N); sleep 2
    b=$(( $(machine_busy) - b )); o=$(( $(ours_ticks) - o )); s=$(( $(date +%s%N) - s ))
    FOREIGN=$(( b > o ? 100 * (b - o) * 1000000000 / CLK_TCK / s : 0 ))
}
retried() {  # output file, command...: the command writes the file, with its BENCH_CPU line
    local out=$1 attempt f i
    shift
    for attempt in 1 2 3; do
        "$@"
        f=$(field "$out" foreign_pct)
        ((QUIET == 0 || ${f:-0} < QUIET)) && return 0
        if ((attempt == 3)); then log "WARNING: other processes used $f % of a CPU in the third try as well: kept"; return 0; fi
        mv "$out" "$out.disturbed$attempt"
        log "other processes used $f % of a CPU during that run: measuring it again once they are quiet"
        for ((i = 0; i < 60; i++)); do foreign_now; ((FOREIGN < QUIET)) && break; done
        log "other processes $( ((i < 60)) && echo quiet || echo "still busy after 2 minutes"): measuring again"
    done
}
wrk_run() {  # mode, target, round
    local mode=$1 t=$2 r=$3 out profiled
    out=$RESULTS/$mode-$t-run$r.txt
    profiled=$([[ $PROFILE != 0 && $mode == plain ]] && is_jvm "$t" && echo 1 || echo 0)
    local begin=$([[ $r == 1 ]] && echo start || echo resume)
    if [[ $profiled == 1 && $PROFILE == async ]]; then profiler "$t" "$begin,event=cpu,interval=997us,threads"; fi
    if [[ $profiled == 1 && $PROFILE == alloc ]]; then profiler "$t" "$begin,event=alloc,total"; fi
    measure_begin "$t"
    run_wrk "$mode" "$t" "$DURATION" "$out"
    if [[ $profiled == 1 && $PROFILE == async ]]; then profiler "$t" "stop,file=$RESULTS/$t-cpu.collapsed,collapsed"; fi
    if [[ $profiled == 1 && $PROFILE == alloc ]]; then profiler "$t" "stop,file=$RESULTS/$t-alloc.collapsed,collapsed,total"; fi
    measure_end "$t" "$out"
    local n cpu
    n=$(field "$out" requests); cpu=$(field "$out" cpu_ticks)
    log "$mode / $t: round $r/$RUNS: $(field "$out" rps) req/s, $(awk -v c="$cpu" -v n="$n" -v hz="$CLK_TCK" 'BEGIN {printf "%.0f", 1e6 * c / hz / n}') us CPU/request$(is_jvm "$t" && awk -v a="$(field "$out" alloc_bytes)" -v n="$n" 'BEGIN {printf ", %.1f KB allocated/request", a / 1024 / n}'), p99 $(field "$out" p99_us) us, non-2xx $(field "$out" err_status), steal $(field "$out" steal_pct)%, other processes $(field "$out" foreign_pct)% CPU"
}
for mode in plain stream; do
    has_phase $mode || continue
    for ((r = 1; r <= RUNS; r++)); do
        for t in $PROXIES; do retried "$RESULTS/$mode-$t-run$r.txt" wrk_run $mode "$t" $r; done
    done
    mark "$mode-end"
done

# ---------------------------------------------------------------- phase events: paced streams, CPU per event
events_run() {  # target, short or long, round
    local t=$1 model=${EVENT_MODELS[0]} out=$RESULTS/events-$2-$1-run$3.txt profiled
    [[ $2 == long ]] && model=${EVENT_MODELS[1]}
    # PROFILE=alloc: the long paced streams' allocation too (their events dominate it)
    profiled=$([[ $PROFILE == alloc && $2 == long ]] && is_jvm "$t" && echo 1 || echo 0)
    if [[ $profiled == 1 ]]; then profiler "$t" "$([[ $3 == 1 ]] && echo start || echo resume),event=alloc,total"; fi
    measure_begin "$t"
    STREAM_MODEL=$model STREAM_RATE=$EVENT_RATE open_streams "$t" "$out" "$DURATION"
    measure_end "$t" "$out"
    if [[ $profiled == 1 ]]; then profiler "$t" "stop,file=$RESULTS/$t-events-alloc.collapsed,collapsed,total"; fi
    log "events / $t / $model: round $3/$RUNS: $(field "$out" streams_sent) streams, $(field "$out" events_total) events, $(awk -v c="$(field "$out" cpu_ticks)" -v n="$(field "$out" streams_sent)" -v hz="$CLK_TCK" 'BEGIN {printf "%.0f", 1e6 * c / hz / n}') us CPU/stream, errors $(field "$out" errors), other processes $(field "$out" foreign_pct)% CPU"
}
if has_phase events; then
    for ((r = 1; r <= RUNS; r++)); do
        for t in $PROXIES; do
            for kind in short long; do retried "$RESULTS/events-$kind-$t-run$r.txt" events_run "$t" $kind $r; done
        done
    done
    mark events-end
fi

# ---------------------------------------------------------------- phase ttft: time to first token at half capacity
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {
    if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
med_field() {  # field, files... -> the median of the field over the files
    local f=$1 x
    shift
    for x in "$@"; do if [[ -f $x ]]; then field "$x" "$f"; fi; done | median
}
ttft_run() {  # target, round
    local t=$1 out=$RESULTS/ttft-$1-run$2.txt
    measure_begin "$t"
    STREAM_RATE=$TTFT_RATE STREAM_WARMUP=2 open_streams "$t" "$out" "$DURATION"
    measure_end "$t" "$out"
    log "ttft / $t: round $2/$RUNS: TTFT p50 $(field "$out" ttft_p50_us) us, p99 $(field "$out" ttft_p99_us) us, errors $(field "$out" errors), other processes $(field "$out" foreign_pct)% CPU"
}
if has_phase ttft; then
    if [[ -z $TTFT_RATE ]]; then
        TTFT_RATE=$(med_field rps "$RESULTS"/stream-gateway-run*.txt | awk '{printf "%d", $1 / 2}')
    fi
    log "ttft: every target at $TTFT_RATE streams/s (open load), ${DURATION}s per run after 2 s of the client's own warm-up"
    for ((r = 1; r <= RUNS; r++)); do
        for t in "${TARGETS[@]}"; do retried "$RESULTS/ttft-$t-run$r.txt" ttft_run "$t" $r; done
    done
    mark ttft-end
fi

# ---------------------------------------------------------------- phase held: many paced streams at once
psql_bench() {  # SQL -> rows, fields separated by spaces
    local port
    port=$(sed -n 4p "$WORK/pg/postmaster.pid")
    PGPASSWORD=$(cat "$WORK/pg/llm-gateway.password") psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -At -F ' ' -c "$1"
}
if has_phase held; then
    gw=$(jvm_pid gateway)
    rss_before=$(awk '/^VmRSS:/ {print $2}' "/proc/$gw/status")
    (while kill -0 "$gw" 2>/dev/null; do awk '/^VmRSS:/ {print $2}' "/proc/$gw/status" 2>/dev/null; sleep 1; done) \
        > "$RESULTS/held-rss-kb.txt" &
    rss_sampler=$!
    BACKGROUND+=("$rss_sampler")
    out=$RESULTS/held.txt
    log "held: $HELD streams of $HELD_MODEL (${HELD_SECONDS}s, one chunk per ${HELD_CHUNK_MS} ms) through the gateway, started over ${HELD_RAMP}s"
    mark held-start
    measure_begin gateway
    RECORDS_FILE=$RESULTS/held-streams.txt STREAM_MODEL=$HELD_MODEL IDLE_SECONDS=30 tool -Xmx1g ManyStreams \
        "$(url_of gateway)" "$HELD" "$HELD_RAMP" "${HEADERS[@]}" > "$out" 2>&1 || die "ManyStreams failed: $(tail -n 5 "$out")"
    measure_end gateway "$out"
    mark held-end
    kill "$rss_sampler" 2>/dev/null || true
    grep -q '^STREAM_RESULT ' "$out" || die "no result line in $out"
    # the ledger writes in batches: wait until it has a record per stream sent, or 60 s
    for _ in $(seq 60); do
        (( $(psql_bench "SELECT count(*) FROM usage_records WHERE model = '$HELD_MODEL'") >= HELD )) && break
        sleep 1
    done
    psql_bench "SELECT request_id, status, prompt_tokens, completion_tokens, cost_usd FROM usage_records WHERE model = '$HELD_MODEL'" \
        > "$RESULTS/held-ledger.txt"
    # each good stream's record, by its x-request-id: status ok, the prompt's 14 tokens, one completion token per
    # content chunk (the events it carried minus role, finish, usage and [DONE]) and the price of those
    awk -v chunks="$HELD_CHUNKS" -v pin="$PRICE_IN" -v pout="$PRICE_OUT" '
        NR == FNR {rec[$1] = $0; next}
        {streams++; if (!($1 in rec)) {missing++; next}
         split(rec[$1], f, " "); seen[$1] = 1
         cost = (14 * pin + (($2 - 4)) * pout) / 1e6
         if (f[2] == "ok" && f[3] == 14 && f[4] == $2 - 4 && f[4] == chunks && (f[5] - cost < 1e-12 && cost - f[5] < 1e-12)) exact++
         else {wrong++; if (wrong <= 5) print "LEDGER_WRONG " $0 " -> " rec[$1] > "/dev/stderr"}}
        END {other = 0; for (k in rec) if (!(k in seen)) other++
             printf "LEDGER_RESULT checked=%d exact=%d wrong=%d missing=%d records_of_other_requests=%d\n", streams, exact, wrong + 0, missing + 0, other}' \
        "$RESULTS/held-ledger.txt" "$RESULTS/held-streams.txt" >> "$out" 2>> "$RESULTS/held-ledger-wrong.txt"
    peak=$(sort -n "$RESULTS/held-rss-kb.txt" | tail -n 1)
    echo "HELD_MEMORY rss_before_kb=$rss_before rss_peak_kb=$peak" >> "$out"
    log "held: $(grep -E '^(STREAM_RESULT|LEDGER_RESULT|HELD_MEMORY|STREAM_ERROR)' "$out" | tr '\n' ' ')"
fi
mark end

# ================================================================ summary
# Every measured figure as "phase target round key value" (values.txt), then the median of each over the rounds and
# the median of each round's ratio to nginx and to each floor (medians.txt)
values() {
    local t r f s l
    for mode in plain stream; do
        for f in "$RESULTS"/$mode-*-run*.txt; do
            [[ -f $f ]] || continue
            t=${f##*/$mode-}; r=${t##*-run}; r=${r%.txt}; t=${t%-run*}
            awk -v p="$mode" -v t="$t" -v r="$r" -v jvm="$(is_jvm "$t" && echo 1 || echo 0)" '
                {for (i = 2; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2]}}
                END {n = v["requests"]; s = v["cpu_ticks"] / v["clk_tck"]
                     printf "%s %s %s rps %s\n", p, t, r, v["rps"]
                     printf "%s %s %s cpu_us %.1f\n", p, t, r, 1e6 * s / n
                     printf "%s %s %s cpu_pct %.0f\n", p, t, r, 100 * s / (v["duration_us"] / 1e6)
                     printf "%s %s %s db_us %.1f\n", p, t, r, 1e6 * v["db_ticks"] / v["clk_tck"] / n
                     if (jvm) printf "%s %s %s alloc_kb %.2f\n", p, t, r, v["alloc_bytes"] / 1024 / n
                     printf "%s %s %s p50_ms %.2f\n%s %s %s p99_ms %.2f\n", p, t, r, v["p50_us"] / 1000, p, t, r, v["p99_us"] / 1000
                     printf "%s %s %s errors %d\n", p, t, r, v["err_connect"] + v["err_read"] + v["err_write"] + v["err_status"] + v["err_timeout"]
                     printf "%s %s %s steal %d\n%s %s %s foreign %d\n", p, t, r, v["steal_pct"], p, t, r, v["foreign_pct"]}' <(grep -hE '^(BENCH_RESULT|BENCH_CPU) ' "$f" | tr '\n' ' ')
        done
    done
    for s in "$RESULTS"/events-short-*-run*.txt; do
        [[ -f $s ]] || continue
        l=${s/events-short-/events-long-}
        [[ -f $l ]] || continue
        t=${s##*/events-short-}; r=${t##*-run}; r=${r%.txt}; t=${t%-run*}
        awk -v t="$t" -v r="$r" -v jvm="$(is_jvm "$t" && echo 1 || echo 0)" '
            FNR == 1 {k++}
            {for (i = 2; i <= NF; i++) {split($i, kv, "="); v[k, kv[1]] = kv[2]}}
            END {hz = v[1, "clk_tck"]
                 ss = v[1, "streams_sent"]; es = v[1, "events_total"] / ss; cs = 1e6 * v[1, "cpu_ticks"] / hz / ss; as = v[1, "alloc_bytes"] / 1024 / ss
                 sl = v[2, "streams_sent"]; el = v[2, "events_total"] / sl; cl = 1e6 * v[2, "cpu_ticks"] / hz / sl; al = v[2, "alloc_bytes"] / 1024 / sl
                 ue = (cl - cs) / (el - es)
                 printf "events %s %s us_event %.2f\nevents %s %s us_stream %.1f\n", t, r, ue, t, r, cs - ue * es
                 printf "events %s %s us_long_stream %.1f\n", t, r, cl
                 if (jvm) {ke = (al - as) / (el - es)
                           printf "events %s %s kb_event %.3f\nevents %s %s kb_stream %.2f\n", t, r, ke, t, r, as - ke * es}
                 printf "events %s %s cpu_pct %.0f\n", t, r, 100 * v[2, "cpu_ticks"] / hz / (v[2, "streams_sent"] / v[2, "rps"])
                 printf "events %s %s errors %d\n", t, r, v[1, "errors"] + v[2, "errors"]
                 printf "events %s %s steal %d\n", t, r, (v[1, "steal_pct"] > v[2, "steal_pct"] ? v[1, "steal_pct"] : v[2, "steal_pct"])
                 printf "events %s %s foreign %d\n", t, r, (v[1, "foreign_pct"] > v[2, "foreign_pct"] ? v[1, "foreign_pct"] : v[2, "foreign_pct"])}' \
            <(grep -hE '^(STREAM_RESULT|BENCH_CPU) ' "$s" | tr '\n' ' '; echo) <(grep -hE '^(STREAM_RESULT|BENCH_CPU) ' "$l" | tr '\n' ' '; echo)
    done
    for f in "$RESULTS"/ttft-*-run*.txt; do
        [[ -f $f ]] || continue
        t=${f##*/ttft-}; r=${t##*-run}; r=${r%.txt}; t=${t%-run*}
        awk -v t="$t" -v r="$r" '/^(STREAM_RESULT|BENCH_CPU)/ {for (i = 2; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2]}}
            END {printf "ttft %s %s p50_ms %.3f\nttft %s %s p99_ms %.3f\nttft %s %s p999_ms %.3f\n", t, r, v["ttft_p50_us"] / 1000, t, r, v["ttft_p99_us"] / 1000, t, r, v["ttft_p999_us"] / 1000
                 printf "ttft %s %s rps %s\nttft %s %s errors %d\n", t, r, v["rps"], t, r, v["errors"]
                 printf "ttft %s %s late_ms %.3f\nttft %s %s foreign %d\n", t, r, v["late_p99_us"] / 1000, t, r, v["foreign_pct"]}' "$f"
    done
}
values > "$RESULTS/values.txt"
awk '
    function med(list,   n, a, i, j, x) {
        n = split(substr(list, 2), a, " ")
        for (i = 2; i <= n; i++) {x = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > x; j--) a[j + 1] = a[j]; a[j + 1] = x}
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    {key = $1 " " $2 " " $4; list[key] = list[key] " " $5; val[$1, $2, $3, $4] = $5; rounds[$1, $3] = 1; targets[$1, $2] = 1; keys[$1, $4] = 1}
    END {
        for (k in list) print "MED " k " " med(list[k])
        split("nginx webflux netty upstream", refs, " ")
        for (pk in keys) {
            split(pk, a, SUBSEP); p = a[1]; key = a[2]
            for (pt in targets) {
                split(pt, b, SUBSEP); if (b[1] != p) continue; t = b[2]
                for (i = 1; i <= 4; i++) {
                    ref = refs[i]; l = ""
                    for (pr in rounds) {
                        split(pr, c, SUBSEP); if (c[1] != p) continue; r = c[2]
                        if (((p, t, r, key) in val) && ((p, ref, r, key) in val) && val[p, ref, r, key] + 0 != 0)
                            l = l " " (p == "ttft" ? val[p, t, r, key] - val[p, ref, r, key] : val[p, t, r, key] / val[p, ref, r, key])
                    }
                    if (l != "") print "RATIO " p " " t " " key " " ref " " med(l)
                }
            }
        }
    }' "$RESULTS/values.txt" > "$RESULTS/medians.txt"
declare -A MED=() RATIO=()
while read -r kind p t k a b; do
    if [[ $kind == MED ]]; then MED["$p $t $k"]=$a; else RATIO["$p $t $k $a"]=$b; fi
done < "$RESULTS/medians.txt"
# summary.tsv: the wrk phases' medians, one row per mode and proxy (auth-cost.sh reads it)
{
    printf 'mode\ttarget\truns\trps\tp50_ms\tp99_ms\tp999_ms\terrors\tcpu_pct\tcpu_us_per_req\talloc_kb_per_req\tsteal_pct\n'
    awk '$1 == "MED" && ($2 == "plain" || $2 == "stream") {v[$2 "\t" $3, $4] = $5; k[$2 "\t" $3] = 1}
        END {for (x in k) printf "%s\t%d\t%s\t%s\t%s\t-\t%s\t%s\t%s\t%s\t%s\n", x, runs, v[x, "rps"], v[x, "p50_ms"], v[x, "p99_ms"],
             v[x, "errors"], v[x, "cpu_pct"], v[x, "cpu_us"], (v[x, "alloc_kb"] == "" ? "-" : v[x, "alloc_kb"]), v[x, "steal"]}' \
        runs="$RUNS" "$RESULTS/medians.txt" | sort
} > "$RESULTS/summary.tsv"
m() { printf "${2:-%.1f}" "${MED["$1"]:-nan}" 2>/dev/null || printf 'n/a'; }          # "phase target key" [format]
x() { local v=${RATIO["$1"]:-}; [[ -n $v ]] && printf "${2:-%.2f}" "$v" || printf '-'; }   # "phase target key ref"

SUMMARY=$RESULTS/summary.txt
{
echo
echo "== $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null) $(date -u '+%Y-%m-%d %H:%M UTC'); $(getconf _NPROCESSORS_ONLN) CPUs; $([[ $PIN == 1 ]] && echo "PIN=1: each proxy on CPU $PROXY_CPU, wrk, clients and upstream on CPU $LOAD_CPU" || echo "PIN=0: nothing pinned")"
echo "   medians of $RUNS rounds; each ratio is the median of the per-round ratios (x: CPU or KB per unit, relative)"
for mode in plain stream; do
    has_phase $mode || continue
    echo
    echo "$mode: wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s per run$([[ $mode == stream ]] && echo ", 13 SSE events per stream, CPU and KB per stream")"
    printf '%-8s %8s %7s %5s %9s %7s %7s %7s %8s %7s %8s %8s %6s\n' target req/s "÷nginx" CPU% "CPU µs" xnginx xwebflux xnetty "db µs" KB xwebflux "p99 ms" errors
    for t in $PROXIES; do
        printf '%-8s %8s %7s %5s %9s %7s %7s %7s %8s %7s %8s %8s %6s\n' "$t" "$(m "$mode $t rps" %.0f)" "$(x "$mode $t rps nginx" %.3f)" \
            "$(m "$mode $t cpu_pct" %.0f)" "$(m "$mode $t cpu_us")" "$(x "$mode $t cpu_us nginx")" "$(x "$mode $t cpu_us webflux")" \
            "$(x "$mode $t cpu_us netty")" "$([[ $t == gateway ]] && m "$mode $t db_us" || echo -)" \
            "$(is_jvm "$t" && m "$mode $t alloc_kb" || echo -)" "$(x "$mode $t alloc_kb webflux")" "$(m "$mode $t p99_ms" %.2f)" "$(m "$mode $t errors" %.0f)"
    done
done
if has_phase events; then
    echo
    echo "events: paced streams, $EVENT_RATE started per second (open load), ${DURATION}s per run: ${EVENT_MODELS[0]} ($((EVENT_SHORT + 4)) events) and ${EVENT_MODELS[1]} ($((EVENT_LONG + 4)) events);"
    echo "        per event = the difference of the two per stream, over the difference of their events; per stream = the rest"
    printf '%-8s %10s %7s %8s %7s %11s %8s %9s %9s %8s %5s %6s\n' target "µs/event" xnginx xwebflux xnetty "µs/stream" xwebflux "KB/event" "KB/stream" "µs/long" CPU% errors
    for t in $PROXIES; do
        printf '%-8s %10s %7s %8s %7s %11s %8s %9s %9s %8s %5s %6s\n' "$t" "$(m "events $t us_event" %.2f)" "$(x "events $t us_event nginx")" \
            "$(x "events $t us_event webflux")" "$(x "events $t us_event netty")" "$(m "events $t us_stream")" "$(x "events $t us_stream webflux")" \
            "$(is_jvm "$t" && m "events $t kb_event" %.3f || echo -)" "$(is_jvm "$t" && m "events $t kb_stream" %.2f || echo -)" \
            "$(m "events $t us_long_stream" %.0f)" "$(m "events $t cpu_pct" %.0f)" "$(m "events $t errors" %.0f)"
    done
fi
if has_phase ttft; then
    echo
    echo "ttft: time to first token at $TTFT_RATE streams/s (open, Poisson; half the gateway's streamed req/s), ${DURATION}s per run"
    printf '%-8s %10s %9s %9s %10s %14s %14s %6s %13s\n' target streams/s "p50 ms" "p99 ms" "p99.9 ms" "p50 - direct" "p99 - direct" errors "late p99 ms"
    for t in "${TARGETS[@]}"; do
        printf '%-8s %10s %9s %9s %10s %14s %14s %6s %13s\n' "$t" "$(m "ttft $t rps" %.0f)" "$(m "ttft $t p50_ms" %.2f)" "$(m "ttft $t p99_ms" %.2f)" \
            "$(m "ttft $t p999_ms" %.2f)" "$(x "ttft $t p50_ms upstream" %+.2f)" "$(x "ttft $t p99_ms upstream" %+.2f)" "$(m "ttft $t errors" %.0f)" \
            "$(m "ttft $t late_ms" %.2f)"
    done
fi
if has_phase first; then
    echo
    echo "first: the first $FIRST streamed requests after readiness, one at a time, each right after the same request direct"
    printf '%-8s %6s %7s %11s %11s %11s %11s %10s %18s %14s\n' target pairs errors "direct p50" "via p50" "p50 diff" "obs. p50" "header p50" "header-obs. p50" "[p10, p90]"
    for t in $PROXIES; do
        f=$RESULTS/first-$t.txt
        [[ -f $f ]] || continue
        us() { awk -v v="$(field "$f" "$1")" 'BEGIN {if (v == -1) print "-"; else printf "%.2f ms", v / 1000}'; }
        printf '%-8s %6s %7s %11s %11s %11s %11s %10s %18s %14s\n' "$t" "$(field "$f" pairs)" "$(field "$f" errors)" "$(us direct_ttft_p50_us)" \
            "$(us gateway_ttft_p50_us)" "$(us ttft_p50_diff_us)" "$(us observed_overhead_p50_us)" "$(us header_p50_us)" \
            "$(us header_minus_observed_p50_us)" "$([[ $(field "$f" header_p50_us) == -1 ]] && echo - || echo "[$(us header_minus_observed_p10_us), $(us header_minus_observed_p90_us)]")"
    done
fi
} | tee "$SUMMARY"

# ---------------------------------------------------------------- the JIT: when each JVM's compile queue drained
# drained: the first sample, once the sustained load began (the warm-up), from which every sample for JIT_QUIET s
# showed an empty queue
jit_report() {  # target
    local f=$RESULTS/jit-$1.txt start rounds
    [[ -s $f ]] || return 0
    start=$(awk -v k="warmup-start-$1" '$1 == k {print $2}' "$RESULTS/timeline.txt")
    rounds=$(awk '$1 == "rounds-start" {print $2}' "$RESULTS/timeline.txt")
    ready=$(awk '$1 == "ready" {print $2}' "$RESULTS/timeline.txt")
    [[ -n $start ]] || return 0
    awk -v start="$start" -v rounds="${rounds:-0}" -v ready="$ready" -v quiet="$((JIT_QUIET * 1000))" \
        -v need="$((JIT_QUIET / JIT_SAMPLE))" -v most="$JIT_BACKLOG" -v t="$1" '
        {ts[NR] = $1; q[NR] = $2; c[NR] = $3; n = NR}
        # the first sample after the load began from which no sample for the next "quiet" ms shows more than m waiting
        function drained(m,   i, j, k, ok) {
            for (i = 1; i <= n; i++) {
                if (ts[i] < start || q[i] > m) continue
                k = 0; ok = 1
                for (j = i; j <= n && ts[j] <= ts[i] + quiet; j++) {k++; if (q[j] > m) ok = 0}
                if (ok && k >= need && ts[n] >= ts[i] + quiet) return i
            }
            return 0
        }
        END {
            d = drained(most); e = drained(0)
            qmax = 0; c0 = -1
            for (i = 1; i <= n; i++) if (rounds > 0 && ts[i] >= rounds) {if (c0 < 0) c0 = c[i]; if (q[i] > qmax) qmax = q[i]}
            if (d) printf "%s: JIT queue drained (at most %d waiting for %d s) at minute %.1f of load, %.1f min after readiness, %d compilations by then;", t, most, quiet / 1000, (ts[d] - start) / 60000, (ts[d] - ready) / 60000, c[d]
            else printf "%s: JIT queue NOT drained (at most %d waiting for %d s) in %.1f min of load;", t, most, quiet / 1000, (ts[n] - start) / 60000
            if (e) printf " empty for %d s from minute %.1f;", quiet / 1000, (ts[e] - start) / 60000
            else printf " never empty for %d s;", quiet / 1000
            if (c0 >= 0) printf " in the measured rounds: queue at most %d, %d more compilations\n", qmax, c[n] - c0
            else printf "\n"
        }' "$f"
    # per minute of load: the longest queue seen and the compilations
    awk -v start="$start" '$1 >= start {mi = int(($1 - start) / 60000); if ($2 > q[mi]) q[mi] = $2; if (!(mi in c0)) c0[mi] = $3; c1[mi] = $3; if (mi > last) last = mi}
        END {for (i = 0; i <= last; i++) if (i in c0) printf "  minute %d: queue at most %d, %d compilations\n", i, q[i], c1[i] - c0[i]}' "$f" > "$RESULTS/jit-$1-minutes.txt"
}
{
    echo
    for t in $PROXIES; do if is_jvm "$t"; then jit_report "$t"; fi; done
} | tee -a "$SUMMARY"

# ---------------------------------------------------------------- the targets (bench/README.md), met or missed
verdict() {  # value, limit, unit, how (le: value <= limit; abs: |value| <= limit)
    awk -v v="$1" -v l="$2" -v u="$3" -v how="$4" 'BEGIN {
        if (v == "" || v == "nan" || v == "-") {print "NOT MEASURED"; exit}
        a = (how == "abs" && v < 0) ? -v : v
        if (a <= l) print "MET"; else printf "MISSED by %.2f%s\n", a - l, u}'
}
{
echo
echo "TARGETS (gateway, everything on; the commit and command are in environment.txt)"
if has_phase plain; then
    v=$(x "plain gateway cpu_us webflux")
    printf '  non-streamed CPU per request <= 1.3x the WebFlux floor: %s us vs %s us = %sx  %s\n' "$(m "plain gateway cpu_us" %.0f)" "$(m "plain webflux cpu_us" %.0f)" "$v" "$(verdict "$v" 1.3 x le)"
    v=$(m "plain gateway alloc_kb")
    printf '  non-streamed allocation per request <= 45 KB: %s KB  %s\n' "$v" "$(verdict "$v" 45 ' KB' le)"
fi
if has_phase stream; then
    v=$(x "stream gateway cpu_us webflux")
    printf '  streamed CPU per stream <= 1.3x the WebFlux floor: %s us vs %s us = %sx  %s\n' "$(m "stream gateway cpu_us" %.0f)" "$(m "stream webflux cpu_us" %.0f)" "$v" "$(verdict "$v" 1.3 x le)"
fi
if has_phase events; then
    printf '  CPU per streamed event (paced; reported): %s us (%sx the WebFlux floor, %sx Reactor Netty, %sx nginx); per stream besides: %s us\n' \
        "$(m "events gateway us_event" %.2f)" "$(x "events gateway us_event webflux")" "$(x "events gateway us_event netty")" "$(x "events gateway us_event nginx")" "$(m "events gateway us_stream" %.0f)"
fi
if has_phase ttft; then
    v=$(x "ttft gateway p99_ms upstream" %.2f)
    printf '  TTFT p99 at half capacity (%s streams/s) within 2 ms of direct: %s ms vs %s ms = %+.2f ms  %s\n' "$TTFT_RATE" "$(m "ttft gateway p99_ms" %.2f)" "$(m "ttft upstream p99_ms" %.2f)" "$v" "$(verdict "$v" 2 ' ms' le)"
fi
f=$RESULTS/first-gateway.txt
if [[ -f $f ]]; then
    v=$(awk -v d="$(field "$f" ttft_p50_diff_us)" 'BEGIN {printf "%.2f", d / 1000}')
    printf '  first %s after readiness, TTFT p50 within 2 ms of direct: %+.2f ms  %s\n' "$FIRST" "$v" "$(verdict "$v" 2 ' ms' le)"
    v=$(awk -v d="$(field "$f" header_minus_observed_p50_us)" 'BEGIN {printf "%.2f", d / 1000}')
    printf '  first %s, x-gateway-overhead-ms within 0.5 ms of the observed overhead: header %.2f ms, observed %.2f ms, median difference %+.2f ms  %s\n' "$FIRST" \
        "$(awk -v d="$(field "$f" header_p50_us)" 'BEGIN {print d / 1000}')" "$(awk -v d="$(field "$f" observed_overhead_p50_us)" 'BEGIN {print d / 1000}')" "$v" "$(verdict "$v" 0.5 ' ms' abs)"
fi
f=$RESULTS/held.txt
if [[ -f $f ]]; then
    awk -v n="$HELD" -v chunks="$HELD_CHUNKS" -v hz="$CLK_TCK" '
        {for (i = 2; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2]}}
        END {ok = v["streams"]; rss = v["rss_peak_kb"] / 1024; per = (v["rss_peak_kb"] - v["rss_before_kb"]) * 1024 / n
             good = (v["errors"] == 0 && ok == n && v["events_min"] == chunks + 4)
             printf "  held streams: %d of %d asked ran to [DONE] with all %d events (open-file cap %d), errors %d: %s\n", ok, n, chunks + 4, '"$(ulimit -n)"', v["errors"], (good ? "MET" : "MISSED")
             printf "  held streams, timing (a chunk every 100 ms): first token p50 %.0f ms, p99 %.0f ms; a stream'"'"'s longest pause between two reads p50 %.0f ms, p99 %.0f ms, max %.0f ms\n", v["ttft_p50_us"] / 1000, v["ttft_p99_us"] / 1000, v["gap_p50_us"] / 1000, v["gap_p99_us"] / 1000, v["gap_max_us"] / 1000
             printf "  held streams, every usage record exact (by x-request-id): %d exact of %d, %d wrong, %d missing: %s\n", v["exact"], ok, v["wrong"], v["missing"], (v["exact"] == ok && ok == n ? "MET" : "MISSED")
             printf "  held streams, resident memory under 1 GiB: peak %.0f MiB (%.0f before): %s; %.0f KB per held stream\n", rss, v["rss_before_kb"] / 1024, (rss < 1024 ? "MET" : "MISSED"), per / 1024
             printf "  held streams: the gateway used %.1f s of CPU (%.0f %% of a CPU over the phase), %.1f us per event\n", v["cpu_ticks"] / hz, 100 * v["cpu_ticks"] / hz / (v["elapsed_ms"] / 1000), 1e6 * v["cpu_ticks"] / hz / (ok * (chunks + 4))}' \
        <(grep -hE '^(STREAM_RESULT|LEDGER_RESULT|HELD_MEMORY|BENCH_CPU) ' "$f" | tr '\n' ' '; echo)
fi
jit_line=$([[ -f $RESULTS/jit-gateway.txt ]] && jit_report gateway || true)
if [[ -n $jit_line ]]; then printf '  %s\n' "$jit_line"; fi
} | tee -a "$SUMMARY"

# the run's conditions
{
    steal=$(awk '$4 == "steal" && $5 > m {m = $5} END {print m + 0}' "$RESULTS/values.txt")
    echo
    echo "the hypervisor stole at most $steal % of the machine's CPU during a measured run$( ((steal >= 10)) && echo ': WARNING, compare only runs of similar steal')"
    awk '$4 == "foreign" {if ($5 > m[$1]) m[$1] = $5} END {for (p in m) printf "%s\t%d\n", p, m[p]}' "$RESULTS/values.txt" | sort \
        | while IFS=$'\t' read -r p f; do
            printf 'other processes used at most %d %% of a CPU during a measured run of the %s phase%s\n' "$f" "$p" \
                "$( ((f >= 10)) && echo ': WARNING, its figures were disturbed (foreign_pct in its run files)')"
        done
    for f in "$RESULTS"/first-*.txt; do
        if [[ -f $f ]]; then printf 'other processes used %s %% of a CPU during %s\n' "$(field "$f" foreign_pct)" "$(basename "$f" .txt)"; fi
    done
    n=$(find "$RESULTS" -name '*.disturbed*' | wc -l)
    ((n == 0)) || echo "$n measured runs were disturbed by other processes and measured again (their first tries: *.disturbed*)"
    awk '$4 == "errors" && $5 > 0 {printf "WARNING: %s / %s round %s had %d errors: its figures are not valid\n", $1, $2, $3, $5}' "$RESULTS/values.txt"
    for t in "${TARGETS[@]}"; do
        printf 'peak resident memory of %s: %s MiB\n' "$t" "$(for p in $(target_pids "$t"); do awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null; done | awk '{s += $1} END {printf "%.0f", s / 1024}')"
    done
} | tee -a "$SUMMARY"
profile_report() {  # profile, its file, report file, title, tool; per-request figure key and unit, or none
    local t per
    for t in $PROXIES; do
        [[ $PROFILE == "$1" && -s $RESULTS/$t-$2 ]] || continue
        per=
        [[ -n ${6:-} ]] && per=$(m "plain $t $6" %.3f)
        {
            echo
            echo "$t: $4 (async-profiler; tools/$5)${per:+, at $per ${7:-} per request}"
            python3 "$BENCH_DIR/tools/$5" "$RESULTS/$t-$2" $per
        } | tee "$RESULTS/$t-$3" | tee -a "$SUMMARY"
    done
}
profile_report async cpu.collapsed stages.txt "CPU by stage over its measured plain runs" stages.py cpu_us us
profile_report alloc alloc.collapsed allocations.txt "allocation over its measured plain runs" allocations.py alloc_kb KB
profile_report alloc events-alloc.collapsed events-allocations.txt "allocation over its measured long paced streams, shares" allocations.py
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RESULTS/environment.txt"
log "raw outputs in $RESULTS"
