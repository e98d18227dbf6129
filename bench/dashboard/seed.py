#!/usr/bin/env python3
"""Seeds a running Commet server for the dashboard benchmark.

  seed.py BASE_URL API_KEY sqlite PATH_TO_commet.db    CUSTOMERS INVOICES
  seed.py BASE_URL API_KEY postgres "PSQL ARGS"        CUSTOMERS INVOICES

Through the public API: the plan `bench_pro` ($49.00 monthly) and CUSTOMERS customers (`bench-<i>`,
bench-<i>@example.com, "Bench Customer <i>") with the batch endpoint, 100 a request. Then straight into the
database (the API would need a year of billing to make them), for the default organization's sandbox:
  - one subscription per customer on bench_pro, started on a day spread over the last 365 days; every tenth one
    ended 20 days after it started (so the home page has churn to count); no next action, so the billing
    worker leaves them alone;
  - INVOICES paid invoices spread evenly over the customers and over the last 365 days, each with its
    succeeded $49.00 transaction paid on the invoice's day (every fiftieth refunded a day later).
The rows are written with the columns the server's own schema asks for (read from the database, so the seeder
follows schema changes): SQLite with one transaction of executemany, PostgreSQL with COPY ... FROM STDIN (CSV)
through psql. Prints one JSON line with what was made. Exits non-zero on the first unexpected answer.
"""
import csv
import datetime as dt
import http.client
import io
import json
import sqlite3
import subprocess
import sys
import urllib.parse

ORG = "org_default"
PRICE = 4900


def main():
    base, key, db, target, customers, invoices = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)

    def call(method, path, body=None):
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers={"x-api-key": key, "Content-Type": "application/json"})
        resp = conn.getresponse()
        text = resp.read().decode()
        if resp.status not in (200, 201):
            raise SystemExit(f"seed: {method} {path} answered {resp.status}: {text[:500]}")
        return json.loads(text)["data"] if text else None

    call("POST", "/api/v1/plans/manage", {"code": "bench_pro", "name": "Bench Pro"})
    call("POST", "/api/v1/plans/bench_pro/prices", {"billingInterval": "monthly", "price": PRICE})
    for start in range(0, customers, 100):
        batch = [{"id": f"bench-{i}", "email": f"bench-{i}@example.com", "fullName": f"Bench Customer {i}"}
                 for i in range(start, min(customers, start + 100))]
        answer = call("POST", "/api/v1/customers/batch", {"customers": batch})
        if answer.get("failed"):
            raise SystemExit(f"seed: batch at {start} had failures: {json.dumps(answer['failed'])[:500]}")

    store = Sqlite(target) if db == "sqlite" else Postgres(target)
    plan_id, price_id = store.one("SELECT p.\"Id\", pp.\"Id\" FROM plans p JOIN plan_prices pp ON pp.\"PlanId\" = p.\"Id\" WHERE p.\"Code\" = 'bench_pro'")
    ids = [r[0] for r in store.all(f"SELECT \"Id\" FROM customers WHERE \"OrganizationId\" = '{ORG}' AND \"Livemode\" = {store.false} AND \"ExternalId\" LIKE 'bench-%' ORDER BY \"Id\"")]
    if len(ids) != customers:
        raise SystemExit(f"seed: {len(ids)} bench customers in the database, expected {customers}")

    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    today = dt.datetime(now.year, now.month, now.day)
    subs, ends = [], 0
    for i, cid in enumerate(ids):
        start = today - dt.timedelta(days=i % 365, hours=-(i % 20))
        ended = start + dt.timedelta(days=20) if i % 10 == 0 and start + dt.timedelta(days=20) < now else None
        ends += ended is not None
        subs.append({
            "Id": f"sub_bench{i:08d}", "OrganizationId": ORG, "Livemode": False, "CustomerId": cid, "PlanId": plan_id,
            "PlanPriceId": price_id, "BillingInterval": "monthly", "Status": "canceled" if ended else "active", "Currency": "USD",
            "BasePrice": PRICE, "PaidForCurrentPeriod": PRICE, "BillingAnchor": start, "Cycle": 1, "CurrentPeriodStart": start,
            "CurrentPeriodEnd": start + dt.timedelta(days=30), "StartDate": start, "CanceledAt": ended, "EndedAt": ended,
            "NextActionAt": None, "CreatedAt": start, "UpdatedAt": ended or start,
        })
    inv_rows, txn_rows, refunds = [], [], 0
    for n in range(invoices):
        cid = ids[n % customers]
        day = today - dt.timedelta(days=(n * 365) // invoices, hours=-(n % 23))
        inv = f"inv_bench{n:08d}"
        inv_rows.append({
            "Id": inv, "OrganizationId": ORG, "Livemode": False, "CustomerId": cid, "SubscriptionId": f"sub_bench{n % customers:08d}",
            "Number": f"BENCH-{n:07d}", "Type": "recurring", "Status": "paid", "Currency": "USD", "Subtotal": PRICE,
            "DiscountAmount": 0, "TaxAmount": 0, "Total": PRICE, "PeriodStart": day, "PeriodEnd": day + dt.timedelta(days=30),
            "IssueDate": day, "DueDate": day, "PlanName": "Bench Pro", "PaidAt": day, "BillingKey": None, "CreatedAt": day, "UpdatedAt": day,
        })
        refunded = n % 50 == 49 and day + dt.timedelta(days=1) < now
        refunds += refunded
        txn_rows.append({
            "Id": f"txn_bench{n:08d}", "OrganizationId": ORG, "Livemode": False, "CustomerId": cid, "InvoiceId": inv,
            "Amount": PRICE, "TaxAmount": 0, "Currency": "USD", "Provider": "commet", "Status": "refunded" if refunded else "succeeded",
            "AttemptKey": f"bench:{n}", "PaidAt": day, "RefundedAt": day + dt.timedelta(days=1) if refunded else None,
            "CreatedAt": day, "UpdatedAt": day,
        })
    store.insert("subscriptions", subs)
    store.insert("invoices", inv_rows)
    store.insert("transactions", txn_rows)
    store.finish()
    print(json.dumps({"customers": customers, "subscriptions": len(subs), "ended": ends, "invoices": invoices,
                      "transactions": len(txn_rows), "refunded": refunds, "first_customer": ids[0], "plan": plan_id}))


def fill(columns, row, fmt_time):
    """The row's values for every column: given ones, else NULL where allowed, else a zero of the column's type
    (a column listed in an INSERT gets what is written, not its default)."""
    out = []
    for name, kind, notnull, has_default in columns:
        if name in row:
            v = row[name]
        elif not notnull:
            out.append(None)
            continue
        else:
            k = kind.lower()
            v = 0 if any(t in k for t in ("int", "numeric", "real", "double")) else False if "bool" in k else "{}" if "json" in k \
                else dt.datetime(1970, 1, 1) if ("time" in k or "date" in k) else ""
        if isinstance(v, bool):
            v = v
        elif isinstance(v, dt.datetime):
            v = fmt_time(v)
        out.append(v)
    return out


class Sqlite:
    false = 0

    def __init__(self, path):
        self.db = sqlite3.connect(path, timeout=60)
        self.db.execute("PRAGMA busy_timeout = 60000")

    def one(self, sql):
        return self.db.execute(sql).fetchone()

    def all(self, sql):
        return self.db.execute(sql).fetchall()

    def insert(self, table, rows):
        cols = [(r[1], r[2], bool(r[3]), r[4] is not None) for r in self.db.execute(f"PRAGMA table_info({table})")]
        names = ",".join(f'"{c[0]}"' for c in cols)
        marks = ",".join("?" for _ in cols)
        values = [[int(v) if isinstance(v, bool) else v for v in fill(cols, r, lambda t: t.strftime("%Y-%m-%d %H:%M:%S"))] for r in rows]
        with self.db:
            self.db.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)

    def finish(self):
        self.db.execute("PRAGMA optimize")
        self.db.close()


class Postgres:
    false = "false"

    def __init__(self, args):
        self.args = args.split()

    def psql(self, *extra, stdin=None):
        done = subprocess.run(["psql", *self.args, "-v", "ON_ERROR_STOP=1", "-qAt", "-F", "\t", *extra], input=stdin,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"seed: psql failed: {done.stderr[:1000]}")
        return done.stdout

    def all(self, sql):
        return [line.split("\t") for line in self.psql("-c", sql).splitlines() if line]

    def one(self, sql):
        return self.all(sql)[0]

    def insert(self, table, rows):
        cols = [(r[0], r[1], r[2] == "NO", r[3] != "") for r in self.all(
            f"SELECT column_name, data_type, is_nullable, coalesce(column_default, '') FROM information_schema.columns "
            f"WHERE table_name = '{table}' AND table_schema = current_schema() ORDER BY ordinal_position")]
        buf = io.StringIO()
        w = csv.writer(buf)
        for r in rows:
            vals = fill(cols, r, lambda t: t.strftime("%Y-%m-%d %H:%M:%S+00"))
            # NULL is written \N (so that an empty text stays empty); booleans as t/f.
            w.writerow(["\\N" if v is None else ("t" if v else "f") if isinstance(v, bool) else v for v in vals])
        names = ",".join(f'"{c[0]}"' for c in cols)
        self.psql("-c", f"COPY {table} ({names}) FROM STDIN (FORMAT csv, NULL '\\N')", stdin=buf.getvalue())

    def finish(self):
        self.psql("-c", "ANALYZE")


if __name__ == "__main__":
    main()
