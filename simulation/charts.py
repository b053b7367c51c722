"""The report's PNG charts (matplotlib, from scripts/requirements-dev.txt):
each function draws one picture from the run's figures and returns its
(title, file name)."""

import datetime
import os
from collections import defaultdict

DPI = 80


def week_of(day):
    return day - datetime.timedelta(days=day.weekday())


def _pyplot():
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    from matplotlib import pyplot  # noqa: PLC0415

    return pyplot


def _save(fig, directory, name):
    fig.tight_layout()
    fig.savefig(os.path.join(directory, name), dpi=DPI)
    _pyplot().close(fig)
    return name


def workload(sim, directory):
    """Per contact type with a capacity: each salesperson's planned contacts
    per week against the week's share of the monthly capacity, and per
    month against the capacity itself (the planner's rule)."""
    pyplot = _pyplot()
    figures = sim.final["figures"]
    by_type = defaultdict(dict)
    for key, weeks in figures["workload"].items():
        user, type_name = key.split("|")
        by_type[type_name][user] = weeks
    charts = []
    for type_name, users in sorted(by_type.items()):
        capacity = figures["capacities"].get(type_name)
        if not capacity:
            continue
        fig, (weekly, monthly) = pyplot.subplots(2, 1, figsize=(9, 7))
        months = defaultdict(lambda: defaultdict(int))
        for user, weeks in sorted(users.items()):
            days = sorted(weeks)
            weekly.plot(days, [weeks[d] for d in days], marker=".", label=user)
        for key, days in figures["workload_days"].items():
            user, name = key.split("|")
            if name == type_name:
                for day, count in days.items():
                    months[user][day.replace(day=1)] += count
        weekly.axhline(
            capacity * 7 / 30.4,
            color="red",
            linestyle="--",
            label=f"capacity {capacity}/month, per week",
        )
        weekly.set_title(f"Planned {type_name}: per salesperson and week")
        weekly.set_ylabel("planned contacts")
        weekly.legend(fontsize="x-small", ncol=3)
        width = 25 / max(1, len(months))
        for index, (user, counts) in enumerate(sorted(months.items())):
            days = sorted(counts)
            monthly.bar(
                [d + datetime.timedelta(days=index * width) for d in days],
                [counts[d] for d in days],
                width=width,
                align="edge",
                label=user,
            )
        monthly.axhline(
            capacity, color="red", linestyle="--", label=f"capacity {capacity}"
        )
        monthly.set_title(f"Planned {type_name}: per salesperson and month")
        monthly.set_ylabel("planned contacts")
        fig.autofmt_xdate()
        name = f"workload_{len(charts)}.png"
        charts.append((f"Workload: {type_name}", _save(fig, directory, name)))
    return charts


def budget(sim, directory):
    """Each yearly budget: the contacts booked on it (campaign pieces by
    their send date, planned follow-ups by their day) at the end of each
    simulated day, against the budget."""
    pyplot = _pyplot()
    series = sim.final["budget_used"]
    if not series:
        return []
    fig, axis = pyplot.subplots(figsize=(9, 4))
    budgets = set()
    for key, days in sorted(series.items()):
        label, budget_value = key.rsplit("|", 1)
        ordered = sorted(days)
        axis.step(ordered, [days[d] for d in ordered], where="post", label=label)
        budgets.add(int(budget_value))
    for value in sorted(budgets):
        axis.axhline(value, color="red", linestyle="--", label=f"budget {value}")
    axis.set_title("Yearly budget used over the run (booked for each year)")
    axis.set_ylabel("contacts booked")
    axis.legend(fontsize="small")
    fig.autofmt_xdate()
    return [("Yearly budget used", _save(fig, directory, "budget.png"))]


def reminders(sim, directory):
    pyplot = _pyplot()
    weekly = defaultdict(lambda: defaultdict(float))
    for day, values in sim.stats.items():
        if isinstance(day, tuple):
            continue
        for key in ("conversions", "orders", "replies"):
            weekly[week_of(day)][key] += values.get(key, 0)
    for week, count in sim.final["figures"]["reminders"].items():
        weekly[week]["reminders"] += count
    weeks = sorted(weekly)
    fig, axis = pyplot.subplots(figsize=(9, 4))
    for key in ("reminders", "conversions", "replies"):
        axis.plot(weeks, [weekly[w][key] for w in weeks], marker=".", label=key)
    axis.set_title("Replacement and reorder reminders, replies and conversions")
    axis.set_ylabel("per week")
    axis.legend()
    fig.autofmt_xdate()
    return [
        ("Reminders and conversions per week", _save(fig, directory, "reminders.png"))
    ]


def control_over_time(sim, directory):
    """The comparison as the owner reads it on the first of each month:
    both groups' order rates, and their difference with its 95 % interval
    next to the true uplift of the same draws."""
    pyplot = _pyplot()
    series = [s for s in sim.final["control_series"] if s["contacted_count"]]
    if not series:
        return []
    days = [s["day"] for s in series]
    fig, (rates, diff) = pyplot.subplots(2, 1, figsize=(9, 7), sharex=True)
    rates.plot(
        days, [s["contacted_order_rate"] for s in series], marker="o", label="contacted"
    )
    rates.plot(
        days, [s["control_order_rate"] for s in series], marker="o", label="control"
    )
    rates.set_ylabel("order rate in the observed period (%)")
    rates.set_title("Control group over time (draws whose 60 days are over)")
    rates.legend()
    enough = [s for s in series if s["enough_data"]]
    if enough:
        when = [s["day"] for s in enough]
        diff.fill_between(
            when,
            [s["order_rate_low"] for s in enough],
            [s["order_rate_high"] for s in enough],
            alpha=0.25,
            label="95 % interval",
        )
        diff.plot(
            when,
            [s["order_rate_diff"] for s in enough],
            marker="o",
            label="estimated uplift",
        )
    truth = [s for s in series if s["true_rate_uplift"] is not None]
    diff.plot(
        [s["day"] for s in truth],
        [s["true_rate_uplift"] for s in truth],
        color="green",
        marker="x",
        label="true uplift",
    )
    diff.axhline(0, color="black", linewidth=0.8)
    diff.set_ylabel("contacted - control (points)")
    diff.legend(fontsize="small")
    fig.autofmt_xdate()
    return [
        (
            "Control vs contacted order rates over time",
            _save(fig, directory, "control_time.png"),
        )
    ]


def estimate_vs_truth(sim, directory):
    """The final estimate of the order rate and revenue uplift with its
    interval, next to the truth."""
    pyplot = _pyplot()
    control = sim.final["control"]
    estimate, truth = control["estimate"], control["truth"]
    fig, axes = pyplot.subplots(1, 2, figsize=(9, 4))
    for axis, (key, true_key, unit) in zip(
        axes,
        [
            ("order_rate", "rate_uplift", "order rate (points)"),
            ("revenue", "revenue_uplift", "revenue per customer"),
        ],
        strict=True,
    ):
        if estimate["enough_data"]:
            value = estimate[f"{key}_diff"]
            axis.errorbar(
                [0],
                [value],
                yerr=[
                    [value - estimate[f"{key}_low"]],
                    [estimate[f"{key}_high"] - value],
                ],
                fmt="o",
                capsize=8,
                label="estimated (95 %)",
            )
        if true_key in truth:
            axis.plot([0.3], [truth[true_key]], "gX", markersize=10, label="true")
        axis.axhline(0, color="black", linewidth=0.8)
        axis.set_xlim(-0.5, 0.8)
        axis.set_xticks([])
        axis.set_title(f"Uplift: {unit}")
        axis.legend(fontsize="small")
    return [("Estimated vs true uplift", _save(fig, directory, "uplift.png"))]


def ranking(sim, directory):
    """Revenue per point by contact type: the effect report's next to the
    true one (revenue due to the contacts)."""
    pyplot = _pyplot()
    rows = sim.final["ranking"]["rows"]
    if not rows:
        return []
    fig, (report, truth) = pyplot.subplots(1, 2, figsize=(9, 4), sharey=True)
    names = [r["type"] for r in rows][::-1]
    report.barh(names, [r["report_revenue_per_point"] for r in rows][::-1])
    report.set_title("Effect report: revenue per point")
    truth.barh(
        names, [r["true_revenue_per_point"] for r in rows][::-1], color="tab:green"
    )
    truth.set_title("True: revenue due to the contacts per point")
    return [("Revenue per point by contact type", _save(fig, directory, "ranking.png"))]


def draw_all(sim, directory):
    charts = []
    for chart in (
        workload,
        budget,
        reminders,
        control_over_time,
        estimate_vs_truth,
        ranking,
    ):
        charts += chart(sim, directory)
    return charts
