-- GET a portal page with a live session cookie (COMMET_BENCH_COOKIE), as a signed-in customer's browser does.
wrk.headers["Cookie"] = "commet_portal=" .. os.getenv("COMMET_BENCH_COOKIE")
wrk.headers["Accept"] = "text/html"

local non2xx = 0
response = function(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("non2xx=%d\n", non2xx))
end
