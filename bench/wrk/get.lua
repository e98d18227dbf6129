-- GET a fixed path with the API key header.
-- Usage: wrk ... -s bench/wrk/get.lua URL   (the path is taken from the URL)
function init(args)
  wrk.headers["x-api-key"] = os.getenv("COMMET_BENCH_KEY") or "ck_test_bench_0123456789abcdef"
end
