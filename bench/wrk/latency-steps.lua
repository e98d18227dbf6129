-- Investigation helper: the create-customer scenario plus a fine latency breakdown at the end.
-- Used to show that SQLite write contention costs multiples of 150 ms (Microsoft.Data.Sqlite sleeps
-- 150 ms after each SQLITE_BUSY). Run from the repository root:
--   wrk -t2 -c32 -d10s -s bench/wrk/latency-steps.lua http://127.0.0.1:5190 -- <prefix> [idem]
dofile("bench/wrk/create-customer.lua")

function done(summary, latency, requests)
  io.write("percentiles (ms):")
  for _, p in ipairs({10, 25, 50, 60, 70, 75, 80, 85, 90, 95, 99, 99.9}) do
    io.write(string.format(" p%s=%.1f", p, latency:percentile(p) / 1000))
  end
  io.write("\n")
  -- wrk exposes no raw samples: read the distribution at every 0.1 percentile and count per 50 ms band
  local bands = {}
  for i = 0, 12 do bands[i] = 0 end
  for q = 1, 1000 do
    local b = math.min(12, math.floor(latency:percentile(q / 10) / 1000 / 50))
    bands[b] = bands[b] + 1
  end
  io.write("per-mille of requests per 50 ms band:")
  for i = 0, 12 do io.write(string.format(" %d-%d:%d", i * 50, (i + 1) * 50, bands[i])) end
  io.write("\n")
end
