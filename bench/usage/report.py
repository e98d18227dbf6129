#!/usr/bin/env python3
"""Helpers for bench/run-usage.sh.

  report.py wrk FILE [EVENTS_PER_REQUEST]  -> JSON: requests/s, events/s, p50/p90/p99 ms, non-2xx, socket
                                               errors, and the batch script's failed-item count
  report.py cpu SERVER_PID [DATABASE]      -> JSON: CPU clock ticks now of the server, of all postgres
                                               processes (and of the backends of DATABASE), and of the
                                               whole machine (busy, total)
  report.py cpudiff BEFORE.json AFTER.json SECONDS -> JSON: CPU seconds (and cores) used between two
                                               snapshots by the server, PostgreSQL, and everything else
  report.py pgbench FILE                   -> JSON: transactions/s and latency from pgbench's output
  report.py table RESULTS.json             -> Markdown table on stdout
"""
import glob
import json
import os
import re
import sys

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
TICK = os.sysconf("SC_CLK_TCK")


def to_ms(text):
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(f"cannot read a latency from {text!r}")
    return float(m.group(1)) * UNIT_MS[m.group(2)]


def parse_wrk(path, per_request=1):
    text = open(path, encoding="utf-8", errors="replace").read()
    out = {"non2xx": 0, "socket_errors": 0}
    m = re.search(r"Requests/sec:\s+([0-9.]+)", text)
    if not m:
        raise SystemExit(f"{path}: no 'Requests/sec' line; wrk failed?\n{text}")
    out["rps"] = round(float(m.group(1)), 1)
    out["events_per_s"] = round(out["rps"] * per_request, 1)
    out["events_per_request"] = per_request
    m = re.search(r"(\d+) requests in ([0-9.]+)(us|ms|s|m)", text)
    if m:
        out["requests"] = int(m.group(1))
    block = text.split("Latency Distribution", 1)
    if len(block) < 2:
        raise SystemExit(f"{path}: no latency distribution (was --latency given?)")
    for pct, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)[ \t]*$", block[1], re.M):
        out[f"p{pct}_ms"] = round(to_ms(value), 2)
    m = re.search(r"Latency\s+(\S+)\s+(\S+)\s+(\S+)", text)
    if m:
        out["max_ms"] = round(to_ms(m.group(3)), 2)
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if m:
        out["non2xx"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        out["socket_errors"] = sum(map(int, m.groups()))
    for key in ("batch_failed_items", "batch_unreadable_answers", "batch_ok_answers"):
        m = re.search(rf"^{key} (\d+)$", text, re.M)
        if m:
            out[key] = int(m.group(1))
    return out


def ticks_of(pid):
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def cpu(server_pid, database=None):
    # Per process, so that the difference is taken per process (cpudiff): a postgres process that ended between the
    # two readings would otherwise take its whole CPU time out of the total and could make it negative.
    pg, pg_db = {}, {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            if open(stat).read().split(" ", 2)[1] == "(postgres)":
                pid = stat.split("/")[2]
                ticks = ticks_of(pid)
                pg[pid] = ticks
                # a backend's title names its database: "postgres: <user> <database> <client> <state>"
                if database and f" {database} " in open(f"/proc/{pid}/cmdline").read().replace("\0", " "):
                    pg_db[pid] = ticks
        except OSError:
            pass
    fields = open("/proc/stat").readline().split()[1:]
    total = sum(map(int, fields))
    idle = int(fields[3]) + int(fields[4])
    return {"server": ticks_of(server_pid) if server_pid != "0" else 0, "postgres": pg, "postgres_db": pg_db, "busy": total - idle, "total": total}


def per_process(before, after):
    """CPU ticks the processes alive at the second reading used since the first (or since they started). A process that
    ended in between is not counted: the figure can be short by its share of the window, never negative."""
    if isinstance(after, int):  # a reading written before the figures were kept per process
        return after - (before if isinstance(before, int) else 0)
    before = before if isinstance(before, dict) else {}
    return sum(t - before.get(pid, 0) for pid, t in after.items())


def cpudiff(before, after, seconds):
    a, b = json.load(open(before)), json.load(open(after))
    d = {k: (per_process(a.get(k, {}), b[k]) if k in ("postgres", "postgres_db") else b[k] - a.get(k, 0)) / TICK for k in b}
    # /proc/stat counts all CPUs; "busy" is in CPU-seconds.
    other = d["busy"] - d["server"] - d["postgres"]
    return {"server_cpu_s": round(d["server"], 2), "postgres_cpu_s": round(d["postgres"], 2),
            "postgres_this_db_cpu_s": round(d.get("postgres_db", 0), 2),
            "other_cpu_s": round(other, 2), "machine_busy_cores": round(d["busy"] / seconds, 2)}


def pgbench(path):
    text = open(path).read()
    m = re.search(r"tps = ([0-9.]+)", text)
    if not m:
        raise SystemExit(f"{path}: no tps line\n{text}")
    out = {"tps": round(float(m.group(1)), 1)}
    m = re.search(r"latency average = ([0-9.]+) ms", text)
    if m:
        out["latency_avg_ms"] = float(m.group(1))
    m = re.search(r"number of failed transactions: (\d+)", text)
    if m:
        out["failed"] = int(m.group(1))
    return out


def table(path):
    r = json.load(open(path))
    print(f"commit {r['commit']}{' (src modified)' if r['src_dirty'] else ''}, {r['started_utc']}, "
          f"{r['machine']['cpus']} x {r['machine']['cpu']}")
    for db in r["databases"]:
        print(f"\n### {db['name']}  (server peak RSS {db['peak_rss_mb']:.0f} MB)\n")
        print("| measurement | events/s | req/s | p50 ms | p99 ms | ceiling | ratio | server / PG / other CPU s | load avg before |")
        print("|---|---:|---:|---:|---:|---|---:|---|---|")
        for s in db["scenarios"]:
            ceiling = s.get("ceiling_name", "")
            ratio = f"{s['ratio']:.2f}" if s.get("ratio") is not None else ""
            cpu_s = f"{s.get('server_cpu_s', '')} / {s.get('postgres_cpu_s', '')} / {s.get('other_cpu_s', '')}"
            print(f"| {s['label']} | {s.get('events_per_s', ''):,} | {s.get('rps', ''):,} | {s.get('p50_ms', '')} | {s.get('p99_ms', '')} "
                  f"| {ceiling} | {ratio} | {cpu_s} | {s.get('loadavg', '')} |")
        print()
        for s in db["scenarios"]:
            if s.get("server_ms_per_event") is not None:
                print(f"- {s['label']}: CPU per event {s['server_ms_per_event']} ms server, "
                      f"{s.get('pg_db_ms_per_event', '')} ms this database's PostgreSQL backends, {s.get('wrk_ms_per_event', '')} ms wrk")
        print()
        for name, c in db["ceilings"].items():
            print(f"- ceiling {name}: {c['value']:,.0f} {c['unit']} (load avg before {c.get('loadavg', '')})")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "wrk":
        print(json.dumps(parse_wrk(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1)))
    elif cmd == "cpu":
        print(json.dumps(cpu(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)))
    elif cmd == "cpudiff":
        print(json.dumps(cpudiff(sys.argv[2], sys.argv[3], float(sys.argv[4]))))
    elif cmd == "pgbench":
        print(json.dumps(pgbench(sys.argv[2])))
    elif cmd == "table":
        table(sys.argv[2])
    else:
        raise SystemExit(__doc__)
