"""The summary printed at the end of a run and the Markdown report with its
charts (matplotlib, when installed)."""

import os
import statistics
from collections import defaultdict

from .invariants import CHECKS


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
    control = sim.final["control"]
    estimate, truth = control["estimate"], control["truth"]
    print(
        "==> control group: contacted %s, control %s, still observed %s"
        % (
            estimate["contacted_count"],
            estimate["control_count"],
            estimate["pending_count"],
        )
    )
    if estimate["enough_data"]:
        print(
            "    estimated order-rate uplift %.1f points (95%% %.1f to %.1f); "
            "revenue %.0f per customer (95%% %.0f to %.0f)"
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
        print(f"    {estimate['conclusion']}")
    if "rate_uplift" in truth:
        print(
            "    true uplift on the contacted: %.1f points of order rate, %.0f "
            "revenue per customer (effect scale %s)"
            % (truth["rate_uplift"], truth["revenue_uplift"], sim.options.effect)
        )


def weekly(sim):
    """Per ISO week: planned follow-ups done per salesperson, reminders,
    conversions, orders."""
    weeks = defaultdict(lambda: defaultdict(float))
    for key, values in sim.stats.items():
        if isinstance(key, tuple):
            day, user_id = key
            week = day - __import__("datetime").timedelta(days=day.weekday())
            weeks[week][f"done_{user_id}"] += values.get("done", 0)
            continue
        week = key - __import__("datetime").timedelta(days=key.weekday())
        for name, value in values.items():
            weeks[week][name] += value
    return dict(sorted(weeks.items()))


def write_report(sim, directory, charts=True):
    os.makedirs(directory, exist_ok=True)
    lines = [f"# Simulation {sim.options.db}", ""]
    lines += [
        f"{sim.options.customers} customers, {sim.options.days} days from "
        f"{sim.options.start}, seed {sim.options.seed}, effect "
        f"{sim.options.effect}, control group "
        f"{'on' if sim.options.control else 'off'}"
        + (f", broken rule: {sim.options.broken}" if sim.options.broken else ""),
        "",
    ]
    with open(os.path.join(directory, "report.md"), "w") as out:
        out.write("\n".join(lines))
