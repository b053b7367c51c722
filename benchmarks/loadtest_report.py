"""The report of `make loadtest`: Locust's statistics as a Markdown table
(requests per second, p50/p95/p99 per page, failures), what the Odoo logs of
the cluster say since the load started (tracebacks, errors, HTTP 5xx,
serialization failures retried, the cron jobs run) and the invariants
checked afterwards (loadtest_check.py). Writes report.md and report.json
into --out; exits 1 when a 5xx, a traceback, an invariant violation or a
lost record was found.

Usage: python3 benchmarks/loadtest_report.py --out var/loadtest
           --logs var/cluster --log-offsets FILE --config var/cluster/odoo.conf
"""

import argparse
import csv
import json
import os
import pathlib
import platform
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
RECORD_RE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \d+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) "
    r"\S+ (\S+): (.*)$"
)
# werkzeug's access log: "GET /path HTTP/1.1" 500 - ...
ACCESS_RE = re.compile(r'"(?:GET|POST|PUT|DELETE|HEAD|OPTIONS) (\S+) [^"]*" (\d{3}) ')
RETRY_RE = re.compile(r"^(\w+|.*Error\(.*\)), (\d+) tries left, try again")
# ir.cron._followup_retrying: a cron batch run again after a concurrency failure
CRON_RETRY_RE = re.compile(
    r"^(\w+) in a batch of cron (\S+), (\d+) tries left, retrying"
)
JOB_RE = re.compile(r"Job '(.+)' \(\d+\) (fully done|partially done|failed)")


def read_new(path, offset):
    with open(path, "rb") as log:
        log.seek(offset)
        return log.read().decode(errors="replace")


def scan_logs(directory, offsets):
    found = {
        "tracebacks": 0,
        "errors": Counter(),
        "warnings": Counter(),
        "http_5xx": Counter(),
        "retries": Counter(),
        "cron_retries": Counter(),
        "retries_exhausted": 0,
        "jobs": Counter(),
    }
    for path in sorted(pathlib.Path(directory).glob("*.log")):
        text = read_new(path, offsets.get(path.name, 0))
        for line in text.splitlines():
            if line.startswith("Traceback"):
                found["tracebacks"] += 1
            access = ACCESS_RE.search(line)
            if access and access.group(2).startswith("5"):
                found["http_5xx"][f"{access.group(2)} {access.group(1)[:80]}"] += 1
            record = RECORD_RE.match(line)
            if not record:
                continue
            level, logger, message = record.groups()
            if level in ("ERROR", "CRITICAL"):
                found["errors"][f"{path.name}: {logger}: {message[:160]}"] += 1
            elif level == "WARNING":
                found["warnings"][f"{logger}: {message[:160]}"] += 1
            retry = RETRY_RE.match(message)
            if retry:
                found["retries"][retry.group(1)] += 1
            cron_retry = CRON_RETRY_RE.match(message)
            if cron_retry:
                found["cron_retries"][cron_retry.group(1)] += 1
            if "maximum number of tries reached" in message:
                found["retries_exhausted"] += 1
            job = JOB_RE.search(message)
            if job:
                found["jobs"][(job.group(1), job.group(2), path.stem)] += 1
    return found


def locust_stats(out):
    with open(os.path.join(out, "locust_stats.csv"), encoding="utf-8") as data:
        rows = list(csv.DictReader(data))
    failures = []
    path = os.path.join(out, "locust_failures.csv")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as data:
            failures = list(csv.DictReader(data))
    exceptions = []
    path = os.path.join(out, "locust_exceptions.csv")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as data:
            exceptions = list(csv.DictReader(data))
    return rows, failures, exceptions


def ms(value):
    try:
        return f"{float(value):,.0f}"
    except ValueError:
        return value


def table(rows):
    lines = [
        "| Page | Requests | Failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
        lines.append(
            f"| {name} | {int(row['Request Count']):,} | {int(row['Failure Count']):,} "
            f"| {float(row['Requests/s']):.2f} | {ms(row['50%'])} | {ms(row['95%'])} "
            f"| {ms(row['99%'])} | {ms(row['Max Response Time'])} |"
        )
    return "\n".join(lines)


def jobs_run(jobs):
    """One line per job: its runs by status, and by cron server."""
    lines = []
    for name in sorted({name for name, _status, _server in jobs}):
        statuses = Counter()
        servers = Counter()
        for (job, status, server), count in jobs.items():
            if job == name:
                statuses[status] += count
                servers[server] += count
        lines.append(
            f"- {name}: {', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))}"
            f" ({', '.join(f'{s} {n}' for s, n in sorted(servers.items()))})"
        )
    return lines


def plain(message):
    """A failure's message without what differs each time (addresses)."""
    return re.sub(r" at 0x[0-9a-f]+", "", message)[:160]


def exceptions_counted(exceptions):
    found = Counter()
    for exception in exceptions:
        what = f"exception in the load generator: {plain(exception['Message'])}"
        found[what] += int(exception["Count"])
    return found


def counted(counter, limit=15):
    return [f"- {count} x {what}" for what, count in counter.most_common(limit)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--logs", required=True)
    parser.add_argument("--log-offsets", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--customers", default="?")
    parser.add_argument("--duration", default="?")
    args = parser.parse_args()
    with open(args.log_offsets, encoding="utf-8") as data:
        offsets = json.load(data)
    rows, failures, exceptions = locust_stats(args.out)
    logs = scan_logs(args.logs, offsets)
    check = subprocess.run(
        [
            sys.executable,
            os.path.join(HERE, "loadtest_check.py"),
            "--config",
            args.config,
            "after",
            os.path.join(args.out, "before.pickle"),
            os.path.join(args.out, "results.json"),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    checks = json.loads(check.stdout)
    results = {}
    if os.path.exists(os.path.join(args.out, "results.json")):
        with open(os.path.join(args.out, "results.json"), encoding="utf-8") as data:
            results = json.load(data)
    total = next((r for r in rows if r["Name"] == "Aggregated"), None)
    violations = sum(v["violations"] for v in checks["invariants"].values())
    lost = sum(v["lost"] for v in checks["lost"].values())
    failed = bool(
        logs["tracebacks"]
        or sum(logs["http_5xx"].values())
        or violations
        or lost
        or exceptions
    )
    waits = Counter()
    crons_log = pathlib.Path(args.out, "crons.log")
    if crons_log.exists():
        for line in crons_log.read_text(errors="replace").splitlines():
            if line.startswith("LOCK WAIT"):
                waiting = line.split(" on: ", 1)[1].split(" | ")[0]
                holder = line.rsplit("last query: ", 1)[1]
                waits[f"{waiting[:70]} <- {holder[:70]}"] += 1
    mails = "?"
    sink_log = pathlib.Path(args.out, "smtp.log")
    if sink_log.exists():
        lines = sink_log.read_text().split()
        mails = lines[-1] if lines else "0"
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        f"## Load test of {when}",
        "",
        f"{args.customers} customers, {args.duration}, machine: {platform.node()} "
        f"({os.cpu_count()} cores), load average at the end "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}.",
        "",
        table(rows),
        "",
        f"Requests per second: **{float(total['Requests/s']):.1f}**"
        if total
        else "No request made.",
        "",
        "### Odoo logs during the load",
        "",
        f"- HTTP 5xx: **{sum(logs['http_5xx'].values())}**",
        f"- tracebacks: **{logs['tracebacks']}**",
        f"- ERROR records: {sum(logs['errors'].values())}",
        f"- WARNING records: {sum(logs['warnings'].values())}",
        f"- concurrency failures retried (Odoo's retry of a request): "
        f"{sum(logs['retries'].values())} "
        f"({', '.join(f'{k} {v}' for k, v in logs['retries'].items()) or 'none'}), "
        f"given up after 5 tries: {logs['retries_exhausted']}",
        f"- cron batches run again after a concurrency failure: "
        f"{sum(logs['cron_retries'].values())} "
        f"({', '.join(f'{k} {v}' for k, v in logs['cron_retries'].items()) or 'none'})",
        "",
        *counted(logs["http_5xx"]),
        *counted(logs["errors"]),
        *counted(logs["warnings"]),
        "",
        f"Lock waits sampled every 5 s (waiting query <- holder's last query): "
        f"{sum(waits.values())}",
        "",
        *counted(waits, 10),
        "",
        f"Mails sent to the SMTP sink: {mails}.",
        "",
        "Cron jobs run by the two cron servers:",
        "",
        *jobs_run(logs["jobs"]),
        "",
        "### Failures seen by the load generator",
        "",
        *counted(
            sum(
                (
                    Counter(
                        {
                            f"{f['Method']} {f['Name']}: {plain(f['Error'])}": int(
                                f["Occurrences"]
                            )
                        }
                    )
                    for f in failures
                ),
                Counter(),
            ),
            30,
        ),
        *counted(Counter(results.get("errors", {}))),
        *counted(exceptions_counted(exceptions)),
        "",
        "### Invariants after the load",
        "",
        "| Check | Violations |",
        "| --- | ---: |",
        *[
            f"| {v['label']} | {v['violations']} |"
            for v in checks["invariants"].values()
        ],
        *[
            f"| {label}: {v['found']} of {v['made']} found | {v['lost']} lost |"
            for label, v in checks["lost"].items()
        ],
        "",
    ]
    for name, v in checks["invariants"].items():
        if v["first"]:
            out.append(f"- first {name}: {v['first']}")
    report = "\n".join(out)
    with open(os.path.join(args.out, "report.md"), "w", encoding="utf-8") as md:
        md.write(report + "\n")
    with open(os.path.join(args.out, "report.json"), "w", encoding="utf-8") as data:
        json.dump(
            {
                "stats": rows,
                "logs": {**logs, "jobs": [[*k, n] for k, n in logs["jobs"].items()]},
                "checks": checks,
                "failed": failed,
            },
            data,
            indent=1,
            default=list,
        )
    print(report)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
