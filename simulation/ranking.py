"""The effect report's revenue per point by contact type, ranked, next to
the true ranking: the revenue the simulation's draws credit to the contacts
of each channel (an order is due to the contacts when its draw fell in the
uplift above the customer's habit; it is shared among the channels of the
last 30 days by their uplift), per point of those contacts.

The effect report credits every order of the attribution window after a
contact, whether the contact made it or not: its revenue per point ranks
the contact types by who receives them as much as by what they do. The
comparison shows how far that ranking is from the causal one."""

from .world import UPLIFT


def rank(values):
    """{key: rank from 1} by value, highest first (ties share the best)."""
    ordered = sorted(values.values(), reverse=True)
    return {key: ordered.index(value) + 1 for key, value in values.items()}


def spearman(ranks_a, ranks_b):
    """Spearman's rank correlation of two rankings of the same keys (None
    when one of them ranks them all equal: no true effect to rank)."""
    keys = sorted(ranks_a.keys() & ranks_b.keys())
    count = len(keys)
    if count < 2:
        return None
    mean_a = sum(ranks_a[key] for key in keys) / count
    mean_b = sum(ranks_b[key] for key in keys) / count
    a = [ranks_a[key] - mean_a for key in keys]
    b = [ranks_b[key] - mean_b for key in keys]
    norm = (sum(x * x for x in a) * sum(y * y for y in b)) ** 0.5
    return sum(x * y for x, y in zip(a, b, strict=True)) / norm if norm else None


def effect_ranking(sim, env):
    """[{type, channel, contacts, points, report revenue per point, its rank,
    true revenue per point, true rank, prior rank}], best of the report
    first, and Spearman's correlation of the two rankings: over the contacts
    of the run (from its first day) of the types with a true uplift."""
    report = env["customer.followup.effect.report"]
    report._refresh()
    groups = report._read_group(
        [("contacted", "=", "contacted"), ("date", ">=", sim.options.start)],
        ["touchpoint_type_id"],
        ["contact_count:sum", "points:sum", "revenue_share:sum"],
    )
    rows = {}
    for touchpoint_type, contacts, points, revenue in groups:
        channel = touchpoint_type.channel
        if not touchpoint_type or UPLIFT.get(channel, 0.0) <= 0 or not points:
            continue
        true_revenue = sim.caused.get(channel, {}).get("revenue", 0.0)
        rows[touchpoint_type.id] = {
            "type": touchpoint_type.name,
            "channel": channel,
            "contacts": contacts,
            "points": points,
            "weight": touchpoint_type.weight,
            "report_revenue_per_point": revenue / points,
            "true_orders": sim.caused.get(channel, {}).get("orders", 0.0),
            "true_revenue_per_point": true_revenue / points,
            # what the simulation applies: added order probability per point
            "prior_per_point": UPLIFT[channel]
            * sim.options.effect
            / touchpoint_type.weight,
        }
    report_rank = rank({k: r["report_revenue_per_point"] for k, r in rows.items()})
    true_rank = rank({k: r["true_revenue_per_point"] for k, r in rows.items()})
    prior_rank = rank({k: r["prior_per_point"] for k, r in rows.items()})
    for key, row in rows.items():
        row.update(
            report_rank=report_rank[key],
            true_rank=true_rank[key],
            prior_rank=prior_rank[key],
        )
    ranked = sorted(rows.values(), key=lambda r: (r["report_rank"], r["type"]))
    return {
        "rows": ranked,
        "spearman": spearman(report_rank, true_rank),
        "top_agrees": bool(ranked)
        and ranked[0]["true_rank"] == 1
        and any(r["true_revenue_per_point"] for r in ranked),
    }


def ranking_lines(ranking):
    """The Markdown table of the ranking."""
    lines = [
        "| contact type | contacts | points | report: revenue per point "
        "| report rank | true revenue per point | true rank "
        "| applied uplift per point, rank |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in ranking["rows"]:
        lines.append(
            f"| {row['type']} | {row['contacts']} | {row['points']:.0f} "
            f"| {row['report_revenue_per_point']:,.0f} | {row['report_rank']} "
            f"| {row['true_revenue_per_point']:,.1f} | {row['true_rank']} "
            f"| {row['prior_per_point'] * 100:.3f} % a day, {row['prior_rank']} |"
        )
    correlation = ranking["spearman"]
    lines += [
        "",
        "Spearman's rank correlation of the report's ranking with the true one: "
        + (f"{correlation:.2f}" if correlation is not None else "n/a (no true effect)")
        + "; the report's best contact type is "
        + ("also the true best." if ranking["top_agrees"] else "not the true best."),
    ]
    return lines
