"""The summary printed at the end of a run and the Markdown report with its
charts (matplotlib, from scripts/requirements-dev.txt)."""

import datetime
import os
import statistics
from collections import defaultdict

from .invariants import CHECKS


def week_of(day):
    return day - datetime.timedelta(days=day.weekday())


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
    for user_id, type_name, day, count in env.cr.fetchall():
        workload[(user_id, type_name)][week_of(day)] += count
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


def _charts(sim, directory):
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    from matplotlib import pyplot  # noqa: PLC0415

    figures = sim.final["figures"]
    charts = []
    # workload per salesperson and week against the weekly share of the
    # monthly capacity
    by_type = defaultdict(dict)
    for key, weeks in figures["workload"].items():
        user, type_name = key.split("|")
        by_type[type_name][user] = weeks
    for type_name, users in sorted(by_type.items()):
        if type_name not in figures["capacities"]:
            continue
        fig, axis = pyplot.subplots(figsize=(9, 4))
        for user, weeks in sorted(users.items()):
            days = sorted(weeks)
            axis.plot(days, [weeks[d] for d in days], marker=".", label=user)
        capacity = figures["capacities"].get(type_name)
        if capacity:
            axis.axhline(
                capacity * 12 / 52,
                color="red",
                linestyle="--",
                label=f"capacity {capacity}/month",
            )
        axis.set_title(f"Planned {type_name} per salesperson and week")
        axis.set_ylabel("planned contacts")
        axis.legend(fontsize="small")
        fig.autofmt_xdate()
        name = f"workload_{len(charts)}.png"
        fig.savefig(os.path.join(directory, name), dpi=80)
        pyplot.close(fig)
        charts.append((f"Workload: {type_name}", name))
    # reminders and conversions per week
    weekly = defaultdict(lambda: defaultdict(float))
    for day, values in sim.stats.items():
        if isinstance(day, tuple):
            continue
        for key in ("conversions", "orders", "replies"):
            weekly[week_of(day)][key] += values.get(key, 0)
    for week, count in figures["reminders"].items():
        weekly[week]["reminders"] += count
    weeks = sorted(weekly)
    fig, axis = pyplot.subplots(figsize=(9, 4))
    for key in ("reminders", "conversions", "replies"):
        axis.plot(weeks, [weekly[w][key] for w in weeks], marker=".", label=key)
    axis.set_title("Replacement and reorder reminders, replies and conversions")
    axis.legend()
    fig.autofmt_xdate()
    fig.savefig(os.path.join(directory, "reminders.png"), dpi=80)
    pyplot.close(fig)
    charts.append(("Reminders and conversions per week", "reminders.png"))
    # control vs contacted
    control = sim.final["control"]
    estimate, truth = control["estimate"], control["truth"]
    labels = ["contacted", "control"]
    values = [estimate["contacted_order_rate"], estimate["control_order_rate"]]
    if "rate_without" in truth:
        labels.append("contacted,\nwithout the contacts\n(truth)")
        values.append(truth["rate_without"])
    fig, axis = pyplot.subplots(figsize=(7, 4))
    axis.bar(labels, values, color=["tab:blue", "tab:gray", "tab:green"][: len(values)])
    axis.set_ylabel("order rate in the observed period (%)")
    axis.set_title(
        "Control group: order rate %s"
        % (
            "difference %.1f points (95%% %.1f to %.1f)"
            % (
                estimate["order_rate_diff"],
                estimate["order_rate_low"],
                estimate["order_rate_high"],
            )
            if estimate["enough_data"]
            else "(not enough data)"
        )
    )
    fig.savefig(os.path.join(directory, "control.png"), dpi=80)
    pyplot.close(fig)
    charts.append(("Control vs contacted order rates", "control.png"))
    return charts


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
    lines += ["", "True added daily order probability per contact (30 days):", ""]
    lines += [
        f"- {channel}: {value:.4f}"
        for channel, value in sim.final["control"]["uplift_per_contact"].items()
    ]
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
            made = _charts(sim, directory)
        except ImportError:
            made = []
            lines += ["", "(matplotlib is not installed: no charts)"]
        lines += ["", "## Charts", ""]
        for title, name in made:
            lines += [f"### {title}", "", f"![{title}]({name})", ""]
    with open(os.path.join(directory, "report.md"), "w") as out:
        out.write("\n".join(lines) + "\n")
