-- wrk script: each request comes from another client address, as traffic through a reverse proxy
-- does, so that the per-IP rate limit is checked on every request instead of refusing the load.
-- (wrk runs LuaJIT, Lua 5.1: no bitwise operators.)
local n = 0
request = function()
  n = n + 1
  local a, b, c = math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256
  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", a, b, c)
  return wrk.format(nil)
end
-- The bench (deploy/bench.sh) reads this line: requests a second, p50 and p99 in ms, errors.
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.2f %.2f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
