-- POST /api/v1/customers with a unique merchant id and email on every request.
-- Usage: wrk ... -s bench/wrk/create-customer.lua URL -- <run-prefix> [idem]
--   <run-prefix>  makes ids unique across runs against the same database (default "r")
--   idem          also send a unique Idempotency-Key header (what the official SDK does)
-- The API key comes from the environment (COMMET_BENCH_KEY), default the bench bootstrap key.

local threads = {}
local counter = 1

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  prefix = args[1] or "r"
  idem = args[2] == "idem"
  n = 0
  key = os.getenv("COMMET_BENCH_KEY") or "ck_test_bench_0123456789abcdef"
  wrk.method = "POST"
  wrk.path = "/api/v1/customers"
  wrk.headers["x-api-key"] = key
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  local id = prefix .. "_" .. tid .. "_" .. n
  local body = '{"id":"bench_' .. id .. '","email":"u' .. id .. '@example.com","fullName":"Bench User"}'
  if idem then
    wrk.headers["Idempotency-Key"] = "idem_" .. id
  end
  return wrk.format(nil, nil, nil, body)
end
