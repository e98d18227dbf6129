-- POST /api/v1/portal/request-access for one customer, as a merchant's backend does on every "Manage billing" click.
wrk.method = "POST"
wrk.path = "/api/v1/portal/request-access"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-api-key"] = os.getenv("COMMET_BENCH_KEY")
wrk.body = '{"customerId":"bench_user","returnUrl":"https://app.example.com/account"}'

local non2xx = 0
response = function(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("non2xx=%d\n", non2xx))
end
