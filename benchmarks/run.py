"""Benchmark the customer_followup addon at several scales.

    eval "$(bash scripts/pg.sh)"
    python3 benchmarks/run.py [--scales 1000,10000] [--keep-db] [--json out.json]

For each scale: a fresh database ``bench_<scale>`` (copied from a template with
the addon installed, without demo data), generated data, then each step measured
in its own process (wall time, SQL queries, peak memory). Prints a table, the
targets, the linearity between scales and the speed-up of the tier cron over a
naive per-record computation; writes ``benchmarks/results/latest.json`` and a
Markdown table for the README.
"""

import argparse
import itertools
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def odoo_command():
    """``odoo-bin`` of the Odoo that python3 imports (or $ODOO_BIN)."""
    if os.environ.get("ODOO_BIN"):
        return [sys.executable, os.environ["ODOO_BIN"]]
    import odoo  # noqa: PLC0415

    odoo_bin = os.path.join(
        os.path.dirname(os.path.realpath(list(odoo.__path__)[0])), "odoo-bin"
    )
    if os.path.isfile(odoo_bin):
        return [sys.executable, odoo_bin]
    return [sys.executable, "-m", "odoo"]


OPTIONS = {
    "addons_path": ROOT,
    "template": "bench_template",
    "prefix": "bench_",
    "naive_scales": [],
    "steps": [],
}
NAIVE_SCALE = 10_000
GIB = 1024

# step -> (label, target seconds at 100k customers or None)
STEPS = [
    ("tiers", "tier cron", 5),
    ("tiers_floor", "tier score query alone (floor)", None),
    ("prepare_tiers_rerun", None, None),  # setup: ~1 % of the customers change
    ("tiers_rerun", "tier cron, daily re-run", 2),
    ("prepare_planner", None, None),  # setup, not reported
    # the floors write, measure, and roll back: run before their cron, which
    # then finds the same due customers and cycles
    ("planner_floor", "planner floor (one batched activity create)", None),
    ("planner", "planner cron", 60),
    ("reminders_floor", "reminder floor (quotations + queued mails)", None),
    ("reminders", "reminder cron", 120),
    ("form", "customer form (1,000 touchpoints)", None),
    ("groupby", "touchpoints by month x type", None),
    # the effect report reads what its nightly update computed
    ("effect_refresh", "effect report nightly update", None),
    ("effect", "effect report (pivot and graph)", 5),
    ("reorder_floor", "reorder learning query alone (floor)", None),
    ("reorder", "reorder interval cron (issue 16)", 30),
    ("slipping", "weekly slipping mail, 10 salespeople (issue 16)", 30),
    ("campaign_preview", "campaign preview (every customer)", None),
    ("campaign_plan", "campaign confirmed (every customer)", 20),
    ("campaign_emails_floor", "campaign emails' touchpoints alone (floor)", None),
    ("campaign_emails", "campaign cron: emails sent logged (half)", 10),
    ("my_day", "My Day, salesperson with most customers (issue 26)", 1),
]
# step -> the step measuring its floor (the least work the step must do)
FLOORS = {
    "tiers": "tiers_floor",
    "tiers_rerun": "tiers_floor",
    "planner": "planner_floor",
    "reminders": "reminders_floor",
    "reorder": "reorder_floor",
    "campaign_emails": "campaign_emails_floor",
}
# what each floor is, for the ratio lines
FLOOR_LABELS = {
    "tiers_floor": "the score query alone",
    "planner_floor": "one batched activity create",
    "reminders_floor": "batched quotations + queued mails",
    "reorder_floor": "the learning query alone",
    "campaign_emails_floor": "one INSERT ... SELECT of the touchpoints",
}
# step -> at most this multiple of its floor at TARGET_SCALE (issue 12)
FLOOR_MAX = {"planner": 1.3, "reminders": 1.3, "campaign_emails": 2}
# step -> (seconds, description) shown as information at TARGET_SCALE (issue 13)
INFO_TARGETS = {"planner": (10, "issue 13 target: within 10 s for 5,000 due customers")}
NAIVE_MIN_SPEEDUP = 20
TARGET_SCALE = 100_000
LINEARITY_MAX = 1.1  # time ratio / data ratio (10x data -> at most 11x time)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sh(*cmd, check=True, quiet=True):
    return subprocess.run(
        cmd,
        check=check,
        stdout=subprocess.DEVNULL if quiet else None,
        stderr=subprocess.PIPE if quiet else None,
        text=True,
    )


def addons_path():
    return OPTIONS["addons_path"]


def make_template(reuse):
    exists = (
        subprocess.run(
            ["psql", "-d", OPTIONS["template"], "-Atc", "select 1"],
            check=False,
            capture_output=True,
            text=True,
        ).returncode
        == 0
    )
    if reuse and exists:
        log(f"reusing template database {OPTIONS['template']}")
        return 0.0
    sh("dropdb", "--if-exists", OPTIONS["template"])
    log(f"installing customer_followup into {OPTIONS['template']} ...")
    t0 = time.perf_counter()
    proc = subprocess.run(
        [
            *odoo_command(),
            "-d",
            OPTIONS["template"],
            f"--addons-path={addons_path()}",
            "--http-interface=127.0.0.1",
            "-i",
            "customer_followup,customer_followup_mass_mailing",
            "--stop-after-init",
            "--log-level=warn",
            "--max-cron-threads=0",
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        sys.exit(f"install failed:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - t0


def run_step(db, step, customers):
    proc = subprocess.run(
        [
            sys.executable,
            os.path.join(HERE, "measure_step.py"),
            db,
            step,
            f"--customers={customers}",
            f"--addons-path={addons_path()}",
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line[len("BENCH_RESULT ") :])
    tail = "\n".join(proc.stderr.splitlines()[-15:])
    log(f"step {step} failed:\n{tail}")
    return {"step": step, "status": "failed", "reason": tail.splitlines()[-1:]}


def settle(db, vacuum=False):
    """Start a step from a quiet database: the bulk load vacuumed and analyzed
    (as autovacuum would have done on a live database) and the previous
    step's dirty pages checkpointed, so that neither bills the next step."""
    if vacuum:
        sh("psql", "-d", db, "-qc", "VACUUM (ANALYZE)")
    sh("psql", "-d", db, "-qc", "CHECKPOINT")


def bench_scale(scale, keep_db):
    db = f"{OPTIONS['prefix']}{scale}"
    sh("dropdb", "--if-exists", db)
    sh("createdb", "-T", OPTIONS["template"], db)
    results = {}
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    log(f"[{scale}] generating data ...")
    results["generate"] = run_step(db, "generate", scale)
    if results["generate"]["status"] != "ok":
        sys.exit("generation failed")
    steps = [s for s, _l, _t in STEPS if s in OPTIONS["steps"] or not OPTIONS["steps"]]
    if scale in OPTIONS["naive_scales"]:
        steps.append("naive_tiers")
    settle(db, vacuum=True)
    for step in steps:
        settle(db)
        log(f"[{scale}] {step} ...")
        results[step] = run_step(db, step, scale)
        # a long run (a million customers) keeps what it measured so far
        with open(os.path.join(HERE, "results", f"partial_{scale}.json"), "w") as f:
            json.dump(results, f, indent=2, default=str)
        res = results[step]
        if res["status"] == "ok":
            log(f"[{scale}] {step}: {res['seconds']:.2f} s, {res['queries']} queries")
        else:
            log(f"[{scale}] {step}: {res['status']} {res.get('reason', '')}")
    if not keep_db:
        sh("dropdb", "--if-exists", db, check=False)
    return results


def verdict(res, target, scale):
    if res.get("status") != "ok":
        return "-"
    failures = []
    if res["peak_mib"] > GIB:
        failures.append("memory")
    # the seconds are targets at 100,000; beyond, growth and floors judge
    if target and scale == TARGET_SCALE and res["seconds"] > target:
        failures.append("time")
    if failures:
        return "FAIL (" + ", ".join(failures) + ")"
    return "PASS" if scale >= TARGET_SCALE or not target else "ok"


def fmt_row(cells, widths):
    return (
        "| "
        + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True))
        + " |"
    )


def floor_notes(res_scale, scale):
    """Each cron against its floor, and the informative targets, at a scale."""
    notes = []
    for step, floor_step in FLOORS.items():
        floor = res_scale.get(floor_step, {})
        cron = res_scale.get(step, {})
        if floor.get("status") != "ok" or cron.get("status") != "ok":
            continue
        ratio = cron["seconds"] / max(floor["seconds"], 1e-6)
        limit = FLOOR_MAX.get(step)
        check = ""
        if limit and scale >= TARGET_SCALE:
            check = f" ({'PASS' if ratio <= limit else 'FAIL'}, at most x{limit:g})"
        elif limit:
            check = f" (target x{limit:g} at {TARGET_SCALE:,})"
        notes.append(
            f"- {step} vs its floor ({FLOOR_LABELS[floor_step]}) at "
            f"{scale:,} customers: {cron['seconds']:.2f} s "
            f"({cron['queries']} queries) vs {floor['seconds']:.2f} s "
            f"({floor['queries']} queries): x{ratio:.2f}{check}"
            + (
                f" ({cron['info'].get('tier_changes'):,} tier changes)"
                if cron.get("info", {}).get("tier_changes") is not None
                else ""
            )
            + (
                f" ({floor['info'].get('records'):,} records)"
                if floor.get("info", {}).get("records") is not None
                and step in FLOOR_MAX
                else ""
            )
        )
    for step, (seconds, description) in INFO_TARGETS.items():
        cron = res_scale.get(step, {})
        if cron.get("status") != "ok" or scale < TARGET_SCALE:
            continue
        records = cron.get("info", {}).get("records")
        notes.append(
            f"- info, {description}: {step} at {scale:,} customers"
            + (f" ({records:,} due)" if records is not None else "")
            + f": {cron['seconds']:.2f} s "
            f"({'PASS' if cron['seconds'] <= seconds else 'FAIL'}, "
            f"at most {seconds} s)"
        )
    return notes


def report(all_results, machine):
    scales = sorted(all_results, key=int)
    header = [
        "customers",
        "step",
        "seconds",
        "queries",
        "records",
        "calls",
        "peak MiB",
        "target @100k",
        "verdict",
        "x floor",
    ]
    rows = []
    for scale in scales:
        res_scale = all_results[scale]
        gen = res_scale["generate"]
        info = gen.get("info", {})
        rows.append(
            [
                f"{int(scale):,}",
                "generate data",
                f"{gen['seconds']:.1f}",
                gen["queries"],
                (
                    f"{info.get('order_lines', 0):,} lines, "
                    f"{info.get('touchpoints', 0):,} tp, "
                    f"{info.get('registrations', 0):,} reg"
                ),
                "",
                gen["peak_mib"],
                "minutes",
                "-",
                "",
            ]
        )
        for step, label, target in STEPS + [("naive_tiers", "naive tiers", None)]:
            if not label or step not in res_scale:
                continue
            res = res_scale[step]
            target_txt = f"<= {target} s, < 1 GiB" if target else "< 1 GiB"
            if res["status"] != "ok":
                rows.append(
                    [
                        f"{int(scale):,}",
                        label,
                        f"{res['status']} ({res.get('reason', '')})"[:60],
                        "",
                        "",
                        "",
                        "",
                        target_txt,
                        "-",
                        "",
                    ]
                )
                continue
            records = res.get("info", {}).get("records")
            floor = res_scale.get(FLOORS.get(step), {})
            x_floor = (
                f"x{res['seconds'] / max(floor['seconds'], 1e-6):.2f}"
                if floor.get("status") == "ok"
                else ""
            )
            rows.append(
                [
                    f"{int(scale):,}",
                    label,
                    f"{res['seconds']:.3f}",
                    res["queries"],
                    "" if records is None else f"{records:,}",
                    res.get("info", {}).get("cron_calls", ""),
                    res["peak_mib"],
                    target_txt,
                    "-" if step == "naive_tiers" else verdict(res, target, int(scale)),
                    x_floor,
                ]
            )
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    lines = [
        fmt_row(header, widths),
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    lines += [fmt_row(r, widths) for r in rows]

    # linearity between consecutive scales, and query growth
    notes = []
    for small, big in itertools.pairwise(scales):
        data_ratio = int(big) / int(small)
        for step, label, _target in STEPS:
            if not label:
                continue
            a, b = all_results[small].get(step, {}), all_results[big].get(step, {})
            if a.get("status") != "ok" or b.get("status") != "ok":
                continue
            t_ratio = b["seconds"] / max(a["seconds"], 1e-6)
            q_ratio = b["queries"] / max(a["queries"], 1)
            ok = t_ratio <= LINEARITY_MAX * data_ratio
            notes.append(
                f"- {label}: {int(small):,} -> {int(big):,} customers "
                f"(x{data_ratio:g} data): time x{t_ratio:.1f} "
                f"({'PASS' if ok else 'FAIL'}, limit x{LINEARITY_MAX * data_ratio:g}), "
                f"queries x{q_ratio:.1f}"
            )
    for scale in scales:
        res_scale = all_results[scale]
        notes += floor_notes(res_scale, int(scale))
        naive = res_scale.get("naive_tiers", {})
        cron = res_scale.get("tiers", {})
        if naive.get("status") == "ok" and cron.get("status") == "ok":
            speedup = naive["seconds"] / max(cron["seconds"], 1e-6)
            notes.append(
                f"- tier cron vs naive per-record computation at {int(scale):,} "
                f"customers: {cron['seconds']:.2f} s ({cron['queries']} queries) vs "
                f"{naive['seconds']:.2f} s ({naive['queries']} queries): "
                f"speed-up x{speedup:.1f} "
                f"({'PASS' if speedup >= NAIVE_MIN_SPEEDUP else 'FAIL'}, "
                f"at least x{NAIVE_MIN_SPEEDUP})"
            )
        elif naive.get("status") == "ok":
            notes.append(
                f"- naive per-record tiers at {int(scale):,} customers: "
                f"{naive['seconds']:.2f} s ({naive['queries']} queries); "
                "tier cron not measured, no speed-up ratio"
            )
    text = "\n".join(lines)
    if notes:
        text += "\n\n" + "\n".join(notes)
    text += (
        f"\n\nMachine: {machine['cpu']}, {machine['cores']} cores, "
        f"{machine['memory_gib']} GiB RAM, PostgreSQL {machine['postgres']}, "
        f"Python {machine['python']}; {machine['date']}."
    )
    return text


def machine_info():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            mem_kib = int(f.readline().split()[1])
    except OSError:
        mem_kib = 0
    pg = subprocess.run(
        ["psql", "-d", "postgres", "-Atc", "show server_version"],
        check=False,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 2**20),
        "postgres": pg,
        "python": platform.python_version(),
        "date": datetime.now().strftime("%Y-%m-%d"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scales",
        default="1000,10000",
        help="comma-separated numbers of customers (default 1000,10000; "
        "100000 on demand)",
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the bench_<scale> databases"
    )
    parser.add_argument(
        "--reuse-template",
        action="store_true",
        help="reuse the template database if it exists (else the addon is reinstalled)",
    )
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument(
        "--steps",
        default="",
        help="comma-separated steps to run after the generation (default: all), "
        "e.g. tiers,tiers_floor,prepare_tiers_rerun,tiers_rerun,prepare_planner,"
        "planner_floor,planner,reminders_floor,reminders",
    )
    parser.add_argument(
        "--naive-scales",
        default=str(NAIVE_SCALE),
        help="scales at which the naive per-record tiers are measured too "
        f"(default {NAIVE_SCALE}; ~10 s per 1,000 customers)",
    )
    parser.add_argument(
        "--addons-path",
        default=ROOT,
        help="directory holding customer_followup (default: this repository)",
    )
    parser.add_argument(
        "--db-prefix",
        default=OPTIONS["prefix"],
        help="databases are named <prefix><scale> (default bench_)",
    )
    parser.add_argument(
        "--template",
        default=OPTIONS["template"],
        help="name of the template database with the addon installed",
    )
    args = parser.parse_args()
    OPTIONS.update(
        addons_path=os.path.abspath(args.addons_path),
        template=args.template,
        prefix=args.db_prefix,
        steps=[step for step in args.steps.split(",") if step.strip()],
        naive_scales=[
            int(s.replace("_", "")) for s in args.naive_scales.split(",") if s.strip()
        ],
    )
    scales = [int(s.replace("_", "")) for s in args.scales.split(",") if s.strip()]

    t0 = time.perf_counter()
    machine = machine_info()
    install_seconds = make_template(args.reuse_template)
    all_results = {}
    for scale in scales:
        all_results[str(scale)] = bench_scale(scale, args.keep_db)
    text = report(all_results, machine)
    payload = {
        "machine": machine,
        "install_seconds": round(install_seconds, 1),
        "total_seconds": round(time.perf_counter() - t0, 1),
        "results": all_results,
        "markdown": text,
    }
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    for path in filter(None, [os.path.join(HERE, "results", "latest.json"), args.json]):
        with open(path, "w") as f:
            json.dump(payload, f, indent=2, default=str)
    print(text)
    print(
        f"\nTotal: {payload['total_seconds']:.0f} s "
        f"(addon install {install_seconds:.0f} s)"
    )


if __name__ == "__main__":
    main()
