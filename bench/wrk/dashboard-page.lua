-- GET a dashboard page as a signed-in member's browser does (COMMET_BENCH_DASHBOARD_COOKIE: the commet_dashboard cookie).
-- wrk itself counts answers other than 2xx/3xx; the runner checks every URL once with curl (200, and no redirect to sign-in) first.
wrk.headers["Cookie"] = "commet_dashboard=" .. os.getenv("COMMET_BENCH_DASHBOARD_COOKIE")
wrk.headers["Accept"] = "text/html"
