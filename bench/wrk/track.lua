-- POST /api/v1/usage/events: one event per request, spread round-robin over the seeded customers
-- bench_cus_0 .. bench_cus_<N-1>, each with a unique idempotencyKey (in the body, as the SDK sends it).
-- Usage: wrk ... -s bench/wrk/track.lua URL -- <run-prefix> <customers> [idem]
--   <run-prefix>  makes the keys unique across runs against the same database
--   <customers>   how many customers were seeded (bench/usage/seed.py)
--   idem          also send the same key as an Idempotency-Key header (HTTP-level idempotency)
-- The API key comes from COMMET_BENCH_KEY.

local counter = 1
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  prefix = args[1] or "r"
  customers = tonumber(args[2] or "200")
  idem = args[3] == "idem"
  n = 0
  wrk.method = "POST"
  wrk.path = "/api/v1/usage/events"
  wrk.headers["x-api-key"] = os.getenv("COMMET_BENCH_KEY")
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  -- threads start at different customers and step through all of them
  local c = (tid * 7919 + n) % customers
  local key = prefix .. "_" .. tid .. "_" .. n
  if idem then
    wrk.headers["Idempotency-Key"] = key
  end
  local body = '{"customerId":"bench_cus_' .. c .. '","feature":"bench_calls","value":1,"idempotencyKey":"' .. key .. '"}'
  return wrk.format(nil, nil, nil, body)
end
