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


def control_comparison(sim, env):
    """The addon's report over every draw of the run, and the truth."""
    start = sim.options.start
    report = env["customer.followup.control.report"].create(
        {"date_from": start, "date_to": env.company._followup_today()}
    )
    fields = [
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
    estimate = {name: report[name] for name in fields}
    by_tier = {}
    for tier in env.company.followup_control_tier_ids:
        tier_report = env["customer.followup.control.report"].create(
            {
                "date_from": start,
                "date_to": env.company._followup_today(),
                "tier_ids": [(6, 0, tier.ids)],
            }
        )
        by_tier[tier.code] = {name: tier_report[name] for name in fields}
    today = env.company._followup_today()
    draws = [
        (draw.partner_id.id, draw.date, draw.date_to, draw.in_control)
        for draw in env["customer.followup.control"].search(
            [("date", ">=", start), ("date_to", "<", today)]
        )
    ]
    truth = true_uplift(sim, draws)
    covered = (
        estimate["enough_data"]
        and not math.isnan(truth.get("rate_uplift", math.nan))
        and estimate["order_rate_low"]
        <= truth["rate_uplift"]
        <= estimate["order_rate_high"]
    )
    return {
        "estimate": estimate,
        "by_tier": by_tier,
        "truth": truth,
        "uplift_per_contact": {k: v * sim.options.effect for k, v in UPLIFT.items()},
        "rate_interval_covers_truth": bool(covered),
        "rate_interval_includes_zero": bool(
            estimate["enough_data"]
            and estimate["order_rate_low"] <= 0 <= estimate["order_rate_high"]
        ),
    }
