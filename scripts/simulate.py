"""A year in the life of a shop running customer_followup (make simulate).

Builds a throwaway database with the addon (a fresh install, or a copy of
``--template``), generates a shop in Asia/Tokyo and runs it day after day on
a frozen clock (see simulation/engine.py), checking the invariants every
day (simulation/invariants.py). Prints the violations and the truth
recovered by the control group, writes a Markdown report with charts, and
exits 1 when an invariant was violated (with ``--expect CHECK``: 0 only when
that check was violated, for the test that the checks can fail).

PostgreSQL from ``scripts/pg.sh`` (``eval "$(bash scripts/pg.sh)"``), Odoo 19
importable. Usage::

    python3 scripts/simulate.py --customers 150 --days 90 --start 2026-11-15
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
BAD_LOG = (" WARNING ", " ERROR ", " CRITICAL ")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument(
        "--start",
        type=datetime.date.fromisoformat,
        default=datetime.date(2026, 10, 1),
        help="first simulated day (default 2026-10-01)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--history-days",
        type=int,
        default=400,
        help="days of order history placed before the start (default 400, "
        "all); fewer for a cost measure at a large size (every pressure "
        "cooker is still bought)",
    )
    parser.add_argument(
        "--effect",
        type=float,
        default=1.0,
        help="scale of the true effect of contact (0: contacts change nothing)",
    )
    parser.add_argument(
        "--no-control", dest="control", action="store_false", help="no control group"
    )
    parser.add_argument(
        "--break",
        dest="broken",
        choices=("budget", "control"),
        help="switch a rule of the addon off in this process (the check must "
        "report it): the yearly budget (campaigns and planner, with a budget "
        "of 5 postcards), or the control group",
    )
    parser.add_argument(
        "--expect",
        help="exit 0 only if this check reported a violation (with --break)",
    )
    parser.add_argument(
        "--expect-day",
        type=datetime.date.fromisoformat,
        help="with --expect: the day by which its first violation is reported "
        "(which due customer is drawn into the control group depends on the "
        "customers' ids, so on what the template database used of its "
        "sequences)",
    )
    parser.add_argument("--db", help="database name (default cf_sim_<pid>)")
    parser.add_argument(
        "--template", help="copy this database (addon installed) instead of installing"
    )
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--report-dir",
        help="where the report goes (default var/simulation/<db>)",
    )
    parser.add_argument("--no-charts", action="store_true")
    options = parser.parse_args(argv)
    options.db = options.db or f"cf_sim_{os.getpid()}"
    if not options.db.startswith("cf_sim_"):
        parser.error("the database name must start with cf_sim_")
    options.report_dir = options.report_dir or os.path.join(
        ROOT, "var", "simulation", options.db
    )
    return options


def odoo_bin():
    import odoo  # noqa: PLC0415

    source = os.path.dirname(os.path.realpath(list(odoo.__path__)[0]))
    return os.environ.get("ODOO_BIN") or os.path.join(source, "odoo-bin"), source


def addons_path():
    _bin, source = odoo_bin()
    paths = [ROOT]
    if os.path.isdir(os.path.join(source, "addons")):
        paths.append(os.path.join(source, "addons"))
    return ",".join(paths)


def create_database(options, data_dir):
    subprocess.run(["dropdb", "--if-exists", options.db], check=True)
    if options.template:
        subprocess.run(["createdb", "-T", options.template, options.db], check=True)
        return 0.0
    began = time.monotonic()
    subprocess.run(["createdb", options.db], check=True)
    command = [
        sys.executable,
        odoo_bin()[0],
        "-d",
        options.db,
        "-i",
        "customer_followup,customer_followup_mass_mailing",
        "--stop-after-init",
        f"--addons-path={addons_path()}",
        f"--data-dir={data_dir}",
        "--http-interface=127.0.0.1",
        "--log-level=warn",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    bad = [
        line
        for line in result.stdout.splitlines() + result.stderr.splitlines()
        if line[:4].isdigit() and any(level in line for level in BAD_LOG)
    ]
    if result.returncode or bad:
        print(result.stdout[-3000:], result.stderr[-3000:], sep="\n")
        raise SystemExit("installing customer_followup failed or logged warnings")
    return time.monotonic() - began


def open_registry(options, data_dir):
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(
        [
            "-d",
            options.db,
            f"--addons-path={addons_path()}",
            f"--data-dir={data_dir}",
            "--http-interface=127.0.0.1",
            "--log-level=warn",
            "--log-handler=simulation:INFO",
            "--max-cron-threads=0",
        ]
    )
    return Registry(options.db)


def main(argv=None):
    options = parse_args(argv)
    data_dir = tempfile.mkdtemp(prefix="cf_sim_data_")
    began = time.monotonic()
    print(f"==> database {options.db}", flush=True)
    install_seconds = create_database(options, data_dir)
    status = 1
    try:
        registry = open_registry(options, data_dir)
        from simulation.breaks import apply_break  # noqa: PLC0415
        from simulation.engine import Simulation  # noqa: PLC0415
        from simulation.report import print_summary, write_report  # noqa: PLC0415

        apply_break(registry, options.broken)
        sim = Simulation(registry, options)
        sim.run()
        sim.install_seconds = install_seconds
        sim.total_seconds = time.monotonic() - began
        print_summary(sim)
        write_report(sim, options.report_dir, charts=not options.no_charts)
        counts, first = sim.checker.summary()
        if options.expect:
            found = first.get(options.expect)
            status = 0 if found else 1
            if found and options.expect_day and found["day"] > options.expect_day:
                status = 1
            print(
                f"==> expected a violation of {options.expect}"
                + (f" by {options.expect_day}" if options.expect_day else "")
                + ": "
                + (f"found on {found['day']}" if found else "NOT found")
                + ("" if status == 0 else " (FAILED)")
            )
        else:
            status = 1 if sim.checker.violations else 0
        with open(os.path.join(options.report_dir, "result.json"), "w") as out:
            json.dump(sim.result_json(), out, indent=1, default=str)
    finally:
        import odoo  # noqa: PLC0415

        odoo.sql_db.close_all()
        if not options.keep_db:
            subprocess.run(["dropdb", "--if-exists", options.db], check=False)
        shutil.rmtree(data_dir, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
