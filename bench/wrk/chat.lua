-- wrk script for bench/run.sh: an OpenAI-style chat-completion POST.
--   BENCH_STREAM=1      ask for a streamed answer ("stream":true); wrk's latency is then the time to the end
--                       of the whole SSE stream
--   GATEWAY_API_KEY=k   send "Authorization: Bearer k" (harmless for targets that ignore it)
--   GATEWAY_USER_ID=u   send "X-User-Id: u"        GATEWAY_PROJECT_ID=p   send "X-Project-Id: p"
--   BENCH_RATE=r        paced load: about r requests per second over all connections (BENCH_CONNECTIONS of them,
--                       wrk's -c): each connection waits a random, exponentially distributed pause of mean
--                       connections / r seconds before each request (Poisson arrivals). wrk times a request from
--                       the moment it is written, so a pause is never counted as latency. Unset: closed loop,
--                       as fast as the target answers
-- The URL (with the path /v1/chat/completions) is given on wrk's command line.
-- done() prints one parseable line:
--   BENCH_RESULT requests=N duration_us=N rps=X p50_us=N p90_us=N p99_us=N p999_us=N max_us=N mean_us=X
--                err_connect=N err_read=N err_write=N err_status=N err_timeout=N

local stream = os.getenv("BENCH_STREAM") == "1"
local key = os.getenv("GATEWAY_API_KEY")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if key ~= nil and key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. key
end
local user = os.getenv("GATEWAY_USER_ID")
if user ~= nil and user ~= "" then
  wrk.headers["X-User-Id"] = user
end
local project = os.getenv("GATEWAY_PROJECT_ID")
if project ~= nil and project ~= "" then
  wrk.headers["X-Project-Id"] = project
end

if stream then
  wrk.headers["Accept"] = "text/event-stream"
  wrk.body = '{"model":"bench-model","messages":[{"role":"user","content":"Say hello in one short sentence."}],'
      .. '"max_tokens":32,"stream":true,"stream_options":{"include_usage":true}}'
else
  wrk.body = '{"model":"bench-model","messages":[{"role":"user","content":"Say hello in one short sentence."}],'
      .. '"max_tokens":32}'
end

local rate = tonumber(os.getenv("BENCH_RATE") or "")
local connections = tonumber(os.getenv("BENCH_CONNECTIONS") or "")
if rate ~= nil and rate > 0 then
  assert(connections ~= nil and connections > 0, "BENCH_RATE needs BENCH_CONNECTIONS (wrk's -c)")
  local mean_ms = 1000 * connections / rate
  local seeded = false
  function delay()
    if not seeded then
      -- every thread has its own Lua state: seed each differently
      math.randomseed(os.time() + math.floor(os.clock() * 1000000) + tonumber(tostring({}):match("0x(%x+)"), 16))
      seeded = true
    end
    return math.floor(-mean_ms * math.log(1 - math.random()) + 0.5)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1000000
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d rps=%.2f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d "
      .. "mean_us=%.1f err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, summary.duration, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
