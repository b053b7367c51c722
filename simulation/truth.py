"""The truth recovered: the addon's control-group comparison
(``customer.followup.control.report``) next to the true uplift the
simulation applied to the contacted customers of the same draws."""

import math
import statistics

from .world import UPLIFT


def true_uplift(sim, draws):
    """Over the contacted customers' draws whose period is over: the order
    rate and revenue per customer with the planner's contacts (what
    happened) minus without them (same draws of chance), and the control
    customers' actual figures. ``draws``: (partner, first day, last day,
    in control)."""
    by_partner = {}
    for partner_id, day, _products, amount, free in sim.ledger:
        by_partner.setdefault(partner_id, []).append((day, amount, free))
    groups = {True: [], False: []}
    for partner_id, first, last, in_control in draws:
        orders = [o for o in by_partner.get(partner_id, []) if first <= o[0] <= last]
        actual = (1.0 if orders else 0.0, sum(o[1] for o in orders))
        free = [o for o in orders if o[2]]
        without = (1.0 if free else 0.0, sum(o[1] for o in free))
        groups[in_control].append((actual, without))
    contacted = groups[False]
    result = {"contacted": len(contacted), "control": len(groups[True])}
    if contacted:
        result["rate_with"] = statistics.fmean(a[0] for a, _w in contacted) * 100
        result["rate_without"] = statistics.fmean(w[0] for _a, w in contacted) * 100
        result["revenue_with"] = statistics.fmean(a[1] for a, _w in contacted)
        result["revenue_without"] = statistics.fmean(w[1] for _a, w in contacted)
        result["rate_uplift"] = result["rate_with"] - result["rate_without"]
        result["revenue_uplift"] = result["revenue_with"] - result["revenue_without"]
    if groups[True]:
        result["control_rate"] = statistics.fmean(a[0] for a, _w in groups[True]) * 100
        result["control_revenue"] = statistics.fmean(a[1] for a, _w in groups[True])
    return result


FIELDS = [
    "contacted_count",
    "control_count",
    "pending_count",
    "contacted_order_rate",
    "control_order_rate",
    "order_rate_diff",
    "order_rate_low",
    "order_rate_high",
    "contacted_revenue",
    "control_revenue",
    "revenue_diff",
    "revenue_low",
    "revenue_high",
    "enough_data",
    "conclusion",
]


def estimate(env, start, tiers=None):
    """The addon's comparison of the draws from ``start`` to today."""
    vals = {"date_from": start, "date_to": env.company._followup_today()}
    if tiers:
        vals["tier_ids"] = [(6, 0, tiers.ids)]
    report = env["customer.followup.control.report"].create(vals)
    return {name: report[name] for name in FIELDS}


def draws_over(env, start):
    """(partner, first day, last day, in control) of the draws from
    ``start`` whose observed period is over, each customer once by its first
    draw, as the addon's comparison counts them."""
    today = env.company._followup_today()
    first = {}
    for draw in env["customer.followup.control"].search(
        [("date", ">=", start), ("date_to", "<", today)], order="date, id"
    ):
        first.setdefault(
            draw.partner_id.id,
            (draw.partner_id.id, draw.date, draw.date_to, draw.in_control),
        )
    return list(first.values())


def control_snapshot(sim, env):
    """What the owner reads today: the estimate so far and the truth of the
    same draws (the chart of the estimate over time)."""
    figures = estimate(env, sim.options.start)
    truth = true_uplift(sim, draws_over(env, sim.options.start))
    return {
        "day": env.company._followup_today(),
        **{key: figures[key] for key in FIELDS if key != "conclusion"},
        "true_rate_uplift": truth.get("rate_uplift"),
        "true_revenue_uplift": truth.get("revenue_uplift"),
    }


def control_comparison(sim, env):
    """The addon's report over every draw of the run, and the truth."""
    start = sim.options.start
    figures = estimate(env, start)
    by_tier = {
        tier.code: estimate(env, start, tier)
        for tier in env.company.followup_control_tier_ids
    }
    truth = true_uplift(sim, draws_over(env, start))
    covered = (
        figures["enough_data"]
        and not math.isnan(truth.get("rate_uplift", math.nan))
        and figures["order_rate_low"]
        <= truth["rate_uplift"]
        <= figures["order_rate_high"]
    )
    return {
        "estimate": figures,
        "by_tier": by_tier,
        "truth": truth,
        "uplift_per_contact": {k: v * sim.options.effect for k, v in UPLIFT.items()},
        "rate_interval_covers_truth": bool(covered),
        "rate_interval_includes_zero": bool(
            figures["enough_data"]
            and figures["order_rate_low"] <= 0 <= figures["order_rate_high"]
        ),
    }


# the 95 % interval clears zero in 80 % of the runs: 1.96 + 0.84 errors
Z_NEEDED = 1.959964 + 0.841621


def needed(sim):
    """How many customers the comparison needs to tell the true uplift from
    none (95 % interval, 80 % of the runs), and what that means for this
    shop: the days at its size, or its size over the run's days. The
    standard error shrinks as one over the root of the customers compared,
    so from the run's own interval: customers now x (Z x error / truth)^2."""
    control = sim.final["control"]
    estimate, truth = control["estimate"], control["truth"]
    compared = estimate["contacted_count"] + estimate["control_count"]
    result = {}
    if not estimate["enough_data"] or not compared:
        return result
    for key, true_key in (("order_rate", "rate_uplift"), ("revenue", "revenue_uplift")):
        true = truth.get(true_key)
        error = (estimate[f"{key}_high"] - estimate[f"{key}_low"]) / (2 * 1.959964)
        if not true or true <= 0 or not error:
            continue
        customers = compared * (Z_NEEDED * error / true) ** 2
        result[key] = {"customers": customers, **_when(sim, customers)}
    result["compared"] = compared
    return result


def _when(sim, customers):
    """When the comparison of this run reached ``customers`` (the first of
    the month it did), else the shop's size that reaches it in the run."""
    for snap in sim.final["control_series"]:
        if snap["contacted_count"] + snap["control_count"] >= customers:
            return {"day": snap["day"], "days": (snap["day"] - sim.options.start).days}
    final = sim.final["control"]["estimate"]
    compared = final["contacted_count"] + final["control_count"]
    return {"shop_size": sim.options.customers * customers / compared}
