"""A naive per-record ABCD tier computation, the baseline of the tier cron.

What a first implementation would do: loop over the customers, search each one's
confirmed orders of the last 24 months, compute recency / frequency / monetary in
Python, rank, and write the tier customer by customer (at least one query per
customer). The caller rolls the transaction back.
"""

from bisect import bisect_left

from dateutil.relativedelta import relativedelta
from generate import BENCH_REF
from hooks import TIER_FIELDS, first_field

from odoo import fields

MONTHS = 24
# share of the scored customers per tier, best first
TIER_SHARES = (("A", 0.10), ("B", 0.20), ("C", 0.30), ("D", 0.40))


def percentile(sorted_values, value):
    if not sorted_values:
        return 0.0
    return bisect_left(sorted_values, value) / len(sorted_values)


def naive_tiers(env):
    now = fields.Datetime.now()
    since = now - relativedelta(months=MONTHS)
    partners = env["res.partner"].search(
        [("ref", "=like", BENCH_REF + "%"), ("is_company", "=", True)]
    )
    Order = env["sale.order"]
    rfm = {}
    for partner in partners:
        orders = Order.search(
            [
                ("partner_id", "child_of", partner.id),
                ("state", "=", "sale"),
                ("date_order", ">=", since),
            ]
        )
        if not orders:
            continue
        last = max(orders.mapped("date_order"))
        rfm[partner.id] = (
            (now - last).days,
            len(orders),
            sum(orders.mapped("amount_untaxed")),
        )
    recencies = sorted(-r for r, _f, _m in rfm.values())
    frequencies = sorted(f for _r, f, _m in rfm.values())
    monetaries = sorted(m for _r, _f, m in rfm.values())
    scores = {
        pid: percentile(recencies, -r)
        + percentile(frequencies, f)
        + 2 * percentile(monetaries, m)
        for pid, (r, f, m) in rfm.items()
    }
    ranked = sorted(scores, key=scores.get, reverse=True)
    tiers, start = {}, 0
    for tier, share in TIER_SHARES:
        end = start + round(share * len(ranked))
        for pid in ranked[start:end]:
            tiers[pid] = tier
        start = end
    for pid in ranked[start:]:
        tiers[pid] = TIER_SHARES[-1][0]

    field = first_field(env, "res.partner", TIER_FIELDS)
    written = 0
    if field and field.store and field.type in ("selection", "many2one"):
        if field.type == "selection":
            keys = [k for k, _label in field._description_selection(env)]
            values = {
                t: next((k for k in keys if k.upper().startswith(t)), False)
                for t, _s in TIER_SHARES
            }
        else:
            comodel = env[field.comodel_name]
            key = "code" if "code" in comodel._fields else "name"
            values = {
                t: comodel.search([(key, "=ilike", t + "%")], limit=1).id
                for t, _s in TIER_SHARES
            }
        for partner in partners:
            tier = tiers.get(partner.id)
            partner.write({field.name: values[tier] if tier else False})
            written += 1
        env.flush_all()
    return {
        "customers": len(partners),
        "scored": len(rfm),
        "tier_counts": {t: list(tiers.values()).count(t) for t, _s in TIER_SHARES},
        "written": written,
    }
