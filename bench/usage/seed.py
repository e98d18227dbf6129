#!/usr/bin/env python3
"""Seeds a running Commet server for the usage benchmark, through the public API only.

  seed.py BASE_URL API_KEY CUSTOMERS

Creates the usage feature `bench_calls`, the credits plan `bench_credits` (monthly, 1 credit per unit,
includedCredits = 10^12 so that no run can exhaust it) and CUSTOMERS customers `bench_cus_<i>`, each with
the sandbox test card 4242 4242 4242 4242 attached and subscribed to the plan (the first invoice is paid by
the sandbox, so the subscriptions are active). Prints one JSON line: the plan and the customer ids.
Exits non-zero on the first unexpected answer.
"""
import http.client
import json
import sys
import urllib.parse

INCLUDED_CREDITS = 1_000_000_000_000


def main():
    base, key, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)

    def call(method, path, body=None, ok=(200, 201)):
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers={"x-api-key": key, "Content-Type": "application/json"})
        resp = conn.getresponse()
        text = resp.read().decode()
        if resp.status not in ok:
            raise SystemExit(f"seed: {method} {path} answered {resp.status}: {text[:500]}")
        return json.loads(text)["data"] if text else None

    call("POST", "/api/v1/features/manage", {"code": "bench_calls", "name": "Bench calls", "type": "usage"})
    call("POST", "/api/v1/plans/manage", {"code": "bench_credits", "name": "Bench credits", "consumptionModel": "credits"})
    call("POST", "/api/v1/plans/bench_credits/prices",
         {"billingInterval": "monthly", "price": 1000, "includedCredits": INCLUDED_CREDITS})
    call("POST", "/api/v1/plans/bench_credits/features", {"featureId": "bench_calls", "creditsPerUnit": 1})

    ids = []
    for i in range(count):
        ext = f"bench_cus_{i}"
        created = call("POST", "/api/v1/customers", {"id": ext, "email": f"bench{i}@example.com", "fullName": "Bench Customer"})
        call("POST", "/api/v1/sandbox/payment-methods", {"customerId": ext, "cardNumber": "4242424242424242"})
        sub = call("POST", "/api/v1/subscriptions", {"customerId": ext, "planCode": "bench_credits", "skipTrial": True})
        if sub.get("status") != "active":
            raise SystemExit(f"seed: subscription of {ext} is {sub.get('status')!r}, not active: {json.dumps(sub)[:500]}")
        ids.append(created["id"])
    print(json.dumps({"plan": "bench_credits", "feature": "bench_calls", "included_credits": INCLUDED_CREDITS,
                      "customers": count, "first_customer_id": ids[0] if ids else None}))


if __name__ == "__main__":
    main()
