"""The summary printed at the end of a run and the Markdown report with its
charts (matplotlib, from scripts/requirements-dev.txt)."""

import os
import statistics
from collections import defaultdict

from .charts import draw_all, week_of
from .invariants import CHECKS
from .ranking import ranking_lines


def collect(sim, env):
    """The weekly figures of the report, read from the database at the end:
    the salespeople's planned contacts (follow-ups and campaign pieces) by
    the week of their planned day, the reminders sent and the reminder
    quotations confirmed by week."""
    start = sim.options.start
    env.cr.execute(
        """SELECT u.user_id, t.name->>'en_US', u.day, COUNT(*)
             FROM (SELECT user_id, followup_touchpoint_type_id AS type_id,
                          followup_plan_date AS day
                     FROM mail_activity WHERE followup_planned
                    UNION ALL
                   SELECT user_id, touchpoint_type_id, plan_date
                     FROM customer_followup_campaign_piece
                    WHERE kind = 'personal' AND state IN ('planned', 'done')) u
             JOIN customer_touchpoint_type t ON t.id = u.type_id
            WHERE u.day >= %s
            GROUP BY 1, 2, 3""",
        [start],
    )
    workload = defaultdict(lambda: defaultdict(int))
    workload_days = defaultdict(lambda: defaultdict(int))
    for user_id, type_name, day, count in env.cr.fetchall():
        workload[(user_id, type_name)][week_of(day)] += count
        workload_days[(user_id, type_name)][day] += count
    env.cr.execute(
        """SELECT t.date, c.order_id IS NOT NULL
             FROM customer_touchpoint t
             JOIN customer_replacement c ON c.quotation_id = t.sale_order_id
            WHERE t.origin = 'reminder'"""
    )
    reminders = defaultdict(int)
    for moment, _ordered in env.cr.fetchall():
        day = env.company._followup_date(moment)
        if day >= start:
            reminders[week_of(day)] += 1
    capacities = {
        t.name: t.capacity_per_user_month
        for t in env["customer.touchpoint.type"].search(
            [("capacity_per_user_month", ">", 0)]
        )
    }
    names = {user.id: user.name for user in env["res.users"].browse(sim.users)}
    return {
        "workload": {
            f"{names.get(k[0], k[0])}|{k[1]}": dict(v) for k, v in workload.items()
        },
        "workload_days": {
            f"{names.get(k[0], k[0])}|{k[1]}": dict(v) for k, v in workload_days.items()
        },
        "reminders": dict(reminders),
        "capacities": capacities,
    }


def print_summary(sim):
    counts, first = sim.checker.summary()
    seconds = [s for _d, s in sim.day_seconds]
    print("==> invariants")
    for check, label in CHECKS.items():
        count = counts.get(check, 0)
        line = f"    {'FAIL' if count else 'ok  '} {check}: {label}"
        if count:
            violation = first[check]
            line += (
                f" -- {count} violation(s), first on {violation['day']}: "
                f"{violation['records']}: {violation['detail']}"
            )
        print(line)
    print(f"==> {len(sim.checker.violations)} violation(s)")
    for violation in sim.checker.violations[:200]:
        print(
            f"    {violation['day']} {violation['check']}: "
            f"{violation['records']}: {violation['detail']}"
        )
    if seconds:
        print(
            f"==> {len(seconds)} days, {statistics.fmean(seconds):.2f} s per "
            f"simulated day (median {statistics.median(seconds):.2f}, max "
            f"{max(seconds):.2f}); database {sim.final['db_size'] / 2**20:.1f} MiB"
        )
    print(
        "==> totals: "
        + ", ".join(f"{name} {value:.0f}" for name, value in sim.totals().items())
    )
    for line in control_lines(sim):
        print(f"==> {line}" if not line.startswith(" ") else line)
    for line in needed_lines(sim):
        print(f"==> {line}")
    print("==> effect report: revenue per point by contact type")
    for line in ranking_lines(sim.final["ranking"]):
        print(f"    {line}")


def needed_lines(sim):
    """How many customers and days the control group needs, in words."""
    found = sim.final.get("needed", {})
    lines = []
    for key, what in (("order_rate", "order rate"), ("revenue", "revenue")):
        figures = found.get(key)
        if not figures:
            continue
        text = (
            f"to see the true {what} uplift (95 % interval clear of zero in 4 "
            f"runs out of 5) the comparison needs about "
            f"{figures['customers']:,.0f} customers (this run compared "
            f"{found['compared']:,})"
        )
        if "days" in figures:
            text += f": reached on {figures['day']}, {figures['days']} days in"
        else:
            text += (
                f": not reached in {sim.options.days} days; a shop of about "
                f"{figures['shop_size']:,.0f} customers reaches it in as many days"
            )
        lines.append(text)
    return lines or ["no true uplift to see (or not enough data)"]


def control_lines(sim):
    control = sim.final["control"]
    estimate, truth = control["estimate"], control["truth"]
    lines = [
        "control group: contacted %s, control %s, still observed %s"
        % (
            estimate["contacted_count"],
            estimate["control_count"],
            estimate["pending_count"],
        )
    ]
    if estimate["enough_data"]:
        lines.append(
            "    estimated uplift (contacted - control): order rate %.1f points "
            "(95%% %.1f to %.1f), revenue %.0f per customer (95%% %.0f to %.0f)"
            % (
                estimate["order_rate_diff"],
                estimate["order_rate_low"],
                estimate["order_rate_high"],
                estimate["revenue_diff"],
                estimate["revenue_low"],
                estimate["revenue_high"],
            )
        )
    else:
        lines.append(f"    {estimate['conclusion']}")
    for code, figures in sorted(control.get("by_tier", {}).items()):
        lines.append(
            "    tier %s: contacted %s at %.1f %%, control %s at %.1f %%%s"
            % (
                code,
                figures["contacted_count"],
                figures["contacted_order_rate"],
                figures["control_count"],
                figures["control_order_rate"],
                ", difference %.1f points (95%% %.1f to %.1f)"
                % (
                    figures["order_rate_diff"],
                    figures["order_rate_low"],
                    figures["order_rate_high"],
                )
                if figures["enough_data"]
                else "",
            )
        )
    if "rate_uplift" in truth:
        lines.append(
            "    true uplift of the planned contacts on the contacted: order rate "
            "%.1f points, revenue %.0f per customer (effect scale %s); the "
            "interval %s the truth%s"
            % (
                truth["rate_uplift"],
                truth["revenue_uplift"],
                sim.options.effect,
                "covers" if control["rate_interval_covers_truth"] else "misses",
                ", and includes zero" if control["rate_interval_includes_zero"] else "",
            )
        )
    return lines


def write_report(sim, directory, charts=True):
    os.makedirs(directory, exist_ok=True)
    options = sim.options
    counts, first = sim.checker.summary()
    seconds = [s for _d, s in sim.day_seconds]
    lines = [
        f"# Simulation {options.db}",
        "",
        f"{options.customers} customers, {options.days} days from {options.start}, "
        f"seed {options.seed}, effect {options.effect}, control group "
        f"{'on' if options.control else 'off'}"
        + (f", broken rule: {options.broken}" if options.broken else ""),
        "",
        "## Invariants",
        "",
        "| check | what | violations | first |",
        "|---|---|---:|---|",
    ]
    for check, label in CHECKS.items():
        violation = first.get(check)
        lines.append(
            f"| {check} | {label} | {counts.get(check, 0)} | "
            + (
                f"{violation['day']}: {violation['records']}: {violation['detail']}"
                if violation
                else ""
            )
            + " |"
        )
    lines += ["", "## Truth recovered", ""]
    lines += [line.strip() + "  " for line in control_lines(sim)]
    lines += ["", *[f"- {line}" for line in needed_lines(sim)]]
    lines += ["", "True added daily order probability per contact (30 days):", ""]
    lines += [
        f"- {channel}: {value:.4f}"
        for channel, value in sim.final["control"]["uplift_per_contact"].items()
    ]
    lines += [
        "",
        "The comparison on the first of each month (draws whose period is over):",
        "",
        "| day | contacted / control | estimated uplift, points (95 %) "
        "| true uplift, points |",
        "|---|---:|---:|---:|",
    ]
    for snap in sim.final["control_series"]:
        lines.append(
            f"| {snap['day']} | {snap['contacted_count']} / {snap['control_count']} | "
            + (
                f"{snap['order_rate_diff']:.1f} ({snap['order_rate_low']:.1f} to "
                f"{snap['order_rate_high']:.1f})"
                if snap["enough_data"]
                else "not enough data"
            )
            + " | "
            + (
                f"{snap['true_rate_uplift']:.1f}"
                if snap["true_rate_uplift"] is not None
                else ""
            )
            + " |"
        )
    lines += ["", "## Effect report: revenue per point by contact type", ""]
    lines += ranking_lines(sim.final["ranking"])
    lines += ["", "## Cost", ""]
    if seconds:
        lines.append(
            f"{statistics.fmean(seconds):.2f} s per simulated day (median "
            f"{statistics.median(seconds):.2f}, max {max(seconds):.2f}); "
            f"database {sim.final['db_size'] / 2**20:.1f} MiB at the end."
        )
        lines += ["", "| scheduled action | seconds in the run |", "|---|---:|"]
        lines += [
            f"| {xmlid} | {value:.1f} |"
            for xmlid, value in sorted(sim.cron_seconds.items())
        ]
    if charts:
        try:
            made = draw_all(sim, directory)
        except ImportError:
            made = []
            lines += ["", "(matplotlib is not installed: no charts)"]
        lines += ["", "## Charts", ""]
        for title, name in made:
            lines += [f"### {title}", "", f"![{title}]({name})", ""]
    with open(os.path.join(directory, "report.md"), "w") as out:
        out.write("\n".join(lines) + "\n")
