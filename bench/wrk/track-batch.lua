-- POST /api/v1/usage/events/batch: 100 events per request (the endpoint's maximum), each with a unique
-- idempotencyKey. A request's events go to <spread> consecutive customers (event j to customer
-- base + j % spread), and base moves on by <spread> every request, so every customer is used.
-- Usage: wrk ... -s bench/wrk/track-batch.lua URL -- <run-prefix> <customers> [spread=10]
-- The batch answers 200 even when single events fail: response() counts the failed items (from the
-- answer's "failed" field) and done() prints "batch_failed_items N" and "batch_events N"; the bench script
-- fails the run when N > 0. The API key comes from COMMET_BENCH_KEY.

local threads = {}
local counter = 1
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  prefix = args[1] or "r"
  customers = tonumber(args[2] or "200")
  spread = tonumber(args[3] or "10")
  n = 0
  failed = 0
  unreadable = 0
  answers = 0
  wrk.method = "POST"
  wrk.path = "/api/v1/usage/events/batch"
  wrk.headers["x-api-key"] = os.getenv("COMMET_BENCH_KEY")
  wrk.headers["Content-Type"] = "application/json"
  -- The parts of an event that do not change from request to request are built once: per customer, the event up to
  -- the request number in its idempotencyKey; per position j, the key's tail. A request then joins three strings
  -- per event (the generator shares the machine's cores with the server it measures).
  heads = {}
  for c = 0, customers - 1 do
    heads[c] = '{"customerId":"bench_cus_' .. c .. '","feature":"bench_calls","value":1,"idempotencyKey":"' .. prefix .. '_' .. tid .. '_'
  end
  tails = {}
  for j = 0, 99 do
    tails[j] = '_' .. j .. '"}'
  end
  parts = {}
end

function request()
  n = n + 1
  local base = ((tid * 7919) + n * spread) % customers
  local ns = tostring(n)
  for j = 0, 99 do
    parts[j + 1] = heads[(base + (j % spread)) % customers] .. ns .. tails[j]
  end
  return wrk.format(nil, nil, nil, '{"events":[' .. table.concat(parts, ",") .. ']}')
end

function response(status, headers, body)
  if status ~= 200 then return end
  answers = answers + 1
  -- "failed" is one of the answer's last fields: look in its tail first, not through the 100 results before it
  local f = body:sub(-256):match('"failed":(%d+)') or body:match('"failed":(%d+)')
  if f == nil then
    unreadable = unreadable + 1
  else
    failed = failed + tonumber(f)
  end
end

function done(summary, latency, requests)
  local f, u, a = 0, 0, 0
  for _, t in ipairs(threads) do
    f = f + t:get("failed")
    u = u + t:get("unreadable")
    a = a + t:get("answers")
  end
  io.write(string.format("batch_failed_items %d\nbatch_unreadable_answers %d\nbatch_ok_answers %d\n", f, u, a))
end
