#!/usr/bin/env python3
"""Webhook delivery benchmark driver (bench/run-webhooks.sh runs it; results in docs/benchmarks.md, "Webhook delivery").

  bench.py receiver PORT OUT.jsonl           run a loopback receiver: answers 200, appends {id, ts, arrived} per request
  bench.py endpoint BASE KEY URL             create an endpoint for payment_method.updated pointing at URL (prints its id)
  bench.py ingest BASE KEY EVENTS THREADS RATE CUSTOMERS
                                             attach EVENTS sandbox test cards (each records one payment_method.updated) from
                                             THREADS threads; RATE > 0 paces the whole run at RATE events/s
  bench.py report OUT.jsonl EXPECTED MODE    summarise: MODE=drain (deliveries/s from first to last arrival) or
                                             MODE=latency (arrival minus the envelope's timestamp, p50/p90/p99/max)
"""
import http.client
import http.server
import json
import socketserver
import sys
import threading
import time
import urllib.parse
from datetime import datetime


def receiver(port, out):
    lock = threading.Lock()
    sink = open(out, "a", buffering=1)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            arrived = time.time()
            env = json.loads(body)
            with lock:
                sink.write(json.dumps({"id": env["id"], "ts": env["timestamp"], "arrived": arrived}) + "\n")
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        request_queue_size = 512

    Server(("127.0.0.1", int(port)), Handler).serve_forever()


def call(conn, key, method, path, body=None, ok=(200, 201)):
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers={"x-api-key": key, "Content-Type": "application/json"})
    resp = conn.getresponse()
    text = resp.read().decode()
    if resp.status not in ok:
        raise SystemExit(f"{method} {path} answered {resp.status}: {text[:300]}")
    return json.loads(text)["data"] if text else None


def connect(base):
    u = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=30)


def endpoint(base, key, url):
    data = call(connect(base), key, "POST", "/api/v1/webhooks", {"url": url, "events": ["payment_method.updated"]})
    print(data["id"])


def ingest(base, key, events, threads, rate, customers):
    events, threads, rate, customers = int(events), int(threads), float(rate), int(customers)
    start = time.time()
    counter = iter(range(events))
    lock = threading.Lock()
    errors = []

    def work():
        conn = connect(base)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            if rate > 0:
                wait = start + i / rate - time.time()
                if wait > 0:
                    time.sleep(wait)
            try:
                call(conn, key, "POST", "/api/v1/sandbox/payment-methods",
                     {"customerId": f"bench_cus_{i % customers}", "cardNumber": "4242424242424242"})
            except SystemExit as e:
                errors.append(str(e))
                return

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise SystemExit(errors[0])
    took = time.time() - start
    print(json.dumps({"events": events, "seconds": round(took, 2), "ingested_per_s": round(events / took, 1)}))


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def report(out, expected, mode):
    rows = [json.loads(line) for line in open(out)]
    ids = [r["id"] for r in rows]
    expected = int(expected)
    result = {"received": len(rows), "distinct": len(set(ids)), "expected": expected}
    arrived = sorted(r["arrived"] for r in rows)
    if mode == "drain":
        span = arrived[-1] - arrived[0]
        result.update({"seconds": round(span, 2), "delivered_per_s": round((len(rows) - 1) / span, 1) if span > 0 else None})
    else:
        delays = [(r["arrived"] - datetime.fromisoformat(r["ts"].replace("Z", "+00:00")).timestamp()) * 1000 for r in rows]
        result.update({f"p{p}_ms": round(pct(delays, p), 1) for p in (50, 90, 99)})
        result["max_ms"] = round(max(delays), 1)
    print(json.dumps(result))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"receiver": receiver, "endpoint": endpoint, "ingest": ingest, "report": report}[cmd](*args)
