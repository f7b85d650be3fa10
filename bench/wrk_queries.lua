-- wrk_queries.lua — cycles through the query set (one API path per line,
-- '#' comments skipped). Usage: wrk ... -s wrk_queries.lua URL -- QUERIES_FILE
-- Prints one machine-readable line at the end:
--   BENCH requests=N seconds=S rps=R p50_ms=.. p95_ms=.. p99_ms=.. non2xx=N socket_errors=N
local paths = {}
local i = 0

function init(args)
  local f = assert(io.open(args[1], "r"))
  for line in f:lines() do
    if line:match("^/") then
      paths[#paths + 1] = line
    end
  end
  f:close()
  -- Threads start at different points of the set.
  i = math.random(0, #paths - 1)
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
