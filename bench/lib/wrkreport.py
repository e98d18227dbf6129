#!/usr/bin/env python3
"""Helpers for bench/run-http.sh: parse wrk --latency output, assemble the results file, print the table.

Subcommands:
  parse FILE                      -> one JSON object on stdout (requests/s, p50/p75/p90/p99 in ms, errors)
  snapshot SERVER_PID SHELL_PID PG_DB -> CPU counters now (clock ticks), as JSON
  cpu BEFORE.json AFTER.json      -> CPU seconds spent between two snapshots by the server, PostgreSQL
                                     (backends of PG_DB and the auxiliary processes), wrk (children of
                                     SHELL_PID) and everything else on the machine
  table RESULTS.json              -> Markdown table on stdout
"""
import glob
import json
import os
import re
import sys

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text):
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(f"cannot read a latency from {text!r}")
    return float(m.group(1)) * UNIT_MS[m.group(2)]


def parse(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    out = {"non2xx": 0, "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0}}
    m = re.search(r"Requests/sec:\s+([0-9.]+)", text)
    if not m:
        raise SystemExit(f"{path}: no 'Requests/sec' line; wrk failed?\n{text}")
    out["rps"] = float(m.group(1))
    m = re.search(r"(\d+) requests in ([0-9.]+)(us|ms|s|m)", text)
    if m:
        out["requests"] = int(m.group(1))
        out["duration_s"] = to_ms(m.group(2) + m.group(3)) / 1000.0
    block = text.split("Latency Distribution", 1)
    if len(block) < 2:
        raise SystemExit(f"{path}: no latency distribution (was --latency given?)")
    for pct, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)[ \t]*$", block[1], re.M):
        out[f"p{pct}_ms"] = round(to_ms(value), 3)
    for key in ("p50_ms", "p99_ms"):
        if key not in out:
            raise SystemExit(f"{path}: could not read {key} from the latency distribution")
    m = re.search(r"Latency\s+(\S+)\s+(\S+)\s+(\S+)", text)
    if m:
        out["avg_ms"] = round(to_ms(m.group(1)), 3)
        out["max_ms"] = round(to_ms(m.group(3)), 3)
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if m:
        out["non2xx"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        out["socket_errors"] = dict(zip(["connect", "read", "write", "timeout"], map(int, m.groups())))
    return out


def proc_ticks(pid, children=False):
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    # after the command name: field 3 is index 0, so utime(14)=11, stime(15)=12, cutime(16)=13, cstime(17)=14
    return int(fields[13]) + int(fields[14]) if children else int(fields[11]) + int(fields[12])


def snapshot(server_pid, shell_pid, pg_db):
    pg = 0
    for stat in glob.glob("/proc/[0-9]*/stat"):
        pid = stat.split("/")[2]
        try:
            if open(stat).read().split(" ", 2)[1] != "(postgres)":
                continue
            cmd = open(f"/proc/{pid}/cmdline").read().replace("\0", " ")
        except OSError:
            continue
        client_backend = "(" in cmd or "[local]" in cmd
        # our database's backends, and the server-wide helpers (checkpointer, WAL writer, ...)
        if (pg_db and pg_db in cmd) or (not client_backend and cmd.startswith("postgres: ")):
            pg += proc_ticks(pid)
    cpu = open("/proc/stat").readline().split()[1:]
    total = sum(int(x) for x in cpu)
    idle = int(cpu[3]) + int(cpu[4])
    return {"server": proc_ticks(server_pid), "wrk": proc_ticks(shell_pid, children=True), "pg": pg,
            "total": total, "idle": idle, "hz": os.sysconf("SC_CLK_TCK"), "cpus": os.cpu_count()}


def cpu_delta(before, after):
    hz = after["hz"]
    d = {k: (after[k] - before[k]) / hz for k in ("server", "wrk", "pg", "total", "idle")}
    busy = d["total"] - d["idle"]
    return {"server_cpu_s": round(d["server"], 3), "postgres_cpu_s": round(d["pg"], 3), "wrk_cpu_s": round(d["wrk"], 3),
            "other_cpu_s": round(max(0.0, busy - d["server"] - d["pg"] - d["wrk"]), 3),
            "machine_cpu_busy": round(busy / d["total"], 3) if d["total"] else 0}


# share of the machine's CPU time that other processes may take during a measurement before the
# figure is flagged as disturbed (10 %: 2 CPU-s of the 20 in a 10 s run on 2 cores)
DISTURBED_SHARE = 0.10


def disturbed_limit(scenario, results):
    return DISTURBED_SHARE * scenario.get("duration_s", 10.0) * results["machine"]["cpus"]


def fmt_ms(v):
    return "–" if v is None else (f"{v:.2f}" if v < 10 else f"{v:.1f}")


def table(path):
    r = json.load(open(path, encoding="utf-8"))
    lines = []
    p = r["params"]
    lines.append(f"wrk -t{p['threads']} -c{p['connections']} -d{p['duration']} (after a {p['warmup']} warm-up per scenario); "
                 f"{r['machine']['cpus']} CPUs shared by server, database and wrk; run {r['started_utc']}")
    lines.append("")
    lines.append("Ratio = requests/s divided by the ceiling: the server's own GET /healthz in the same run (the better of "
                 "its two measurements, before and after the scenarios); the last column divides by a bare Kestrel app's "
                 "GET /healthz measured in the same run.")
    lines.append("")
    lines.append("| database | scenario | requests/s | p50 ms | p99 ms | ceiling req/s | ratio | non-2xx | socket errors | ratio to bare Kestrel |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for db in r["databases"]:
        ceiling = db["ceiling_rps"]
        bare = db.get("bare_kestrel_rps") or 0
        for s in db["scenarios"]:
            errs = sum(s["socket_errors"].values())
            ratio = s["rps"] / ceiling if ceiling else 0
            ratio_bare = f"{s['rps'] / bare:.3f}" if bare else "–"
            flag = " ⚠" if s.get("other_cpu_s", 0) > disturbed_limit(s, r) else ""
            lines.append(f"| {db['name']} | {s['label']} | {s['rps']:,.0f}{flag} | {fmt_ms(s.get('p50_ms'))} | {fmt_ms(s.get('p99_ms'))} | "
                         f"{ceiling:,.0f} | {ratio:.3f} | {s['non2xx']} | {errs} | {ratio_bare} |")
    lines.append("")
    lines.append(f"⚠ = other processes on the machine used more than {DISTURBED_SHARE:.0%} of its CPU time during that "
                 "measurement (see the CPU table): the figure is disturbed and low.")
    lines.append("")
    lines.append("| database | peak RSS under load (VmHWM) | cold start, existing database (median of runs; min–max) | first start, empty database (incl. migrations) | bare Kestrel start (median of 3), same run |")
    lines.append("|---|---:|---:|---:|---:|")
    for db in r["databases"]:
        cs = db["cold_start_ms"]
        cold = f"{cs['median']:.0f} ms ({cs['min']:.0f}–{cs['max']:.0f}, n={len(cs['runs'])})" if cs["runs"] else "not measured"
        lines.append(f"| {db['name']} | {db['peak_rss_mb']:.0f} MB | {cold} | {db['first_start_ms']:.0f} ms | {db['bare_kestrel_start_ms']:.0f} ms |")
    lines.append("")
    lines.append("Where the CPU went during each measured scenario (2 cores = 2,000 ms of CPU per second of wall time):")
    lines.append("")
    lines.append("| database | scenario | server CPU ms/request | PostgreSQL CPU ms/request | server CPU s | PostgreSQL CPU s | wrk CPU s | other processes CPU s | machine busy | machine busy before (quiet check) |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for db in r["databases"]:
        for s in db["scenarios"]:
            pg = s.get("postgres_cpu_ms_per_req")
            pg_text = f"{pg:.3f}" if pg is not None and db["name"] == "postgres" else "–"
            quiet = s.get("busy_before")
            lines.append(f"| {db['name']} | {s['label']} | {s['server_cpu_ms_per_req']:.3f} | {pg_text} | {s['server_cpu_s']:.1f} | "
                         f"{s['postgres_cpu_s']:.1f} | {s['wrk_cpu_s']:.1f} | {s['other_cpu_s']:.1f} | {s['machine_cpu_busy'] * 100:.0f}% | "
                         f"{'–' if quiet is None else f'{quiet * 100:.0f}%'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "snapshot":
        print(json.dumps(snapshot(sys.argv[2], sys.argv[3], sys.argv[4])))
    elif len(sys.argv) == 4 and sys.argv[1] == "cpu":
        print(json.dumps(cpu_delta(json.load(open(sys.argv[2])), json.load(open(sys.argv[3])))))
    elif len(sys.argv) == 3 and sys.argv[1] == "parse":
        print(json.dumps(parse(sys.argv[2])))
    elif len(sys.argv) == 3 and sys.argv[1] == "table":
        print(table(sys.argv[2]))
    else:
        raise SystemExit(__doc__)
