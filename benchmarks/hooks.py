"""Everything that depends on the tier and consumable features, in one place.

The tier cron, the planner and the replacement reminders land from other
branches: field names may differ from the guesses below. Each function checks
what exists and raises ``Skip`` (or returns ``None``) when it cannot work, so the
rest of the benchmark runs.
"""

from generate import BENCH_REF, DUE_FRACTION, REPLACEMENT_MODEL

# res.partner fields, first existing one wins
TIER_FIELDS = (
    "followup_tier_id",
    "followup_tier",
    "customer_tier",
    "tier",
    "abcd_tier",
    "tier_id",
)
NEXT_DATE_FIELDS = ("next_followup_date", "followup_next_date")
PLANNER_HORIZON_DAYS = 7  # default; the company's followup_horizon_days wins


class Skip(Exception):
    pass


def first_field(env, model, names):
    fields = env[model]._fields
    return next((fields[name] for name in names if name in fields), None)


def count(env, table, where="true"):
    env.cr.execute(f"SELECT count(*) FROM {table} WHERE {where}")  # trusted names
    return env.cr.fetchone()[0]


def count_customers(env):
    return count(env, "res_partner", f"ref LIKE '{BENCH_REF}%'")


def tier_distribution(env):
    field = first_field(env, "res.partner", TIER_FIELDS)
    if not field or not field.store:
        return {"tiers": None}
    env.invalidate_all()
    groups = env["res.partner"]._read_group(
        [("ref", "=like", BENCH_REF + "%")], [field.name], ["__count"]
    )
    return {
        "tiers": {
            str(getattr(value, "display_name", value) or "none"): n
            for value, n in groups
        }
    }


def planner_horizon(env):
    return getattr(env.company, "followup_horizon_days", 0) or PLANNER_HORIZON_DAYS


def planner_due_hook(env, customers):
    """Make DUE_FRACTION of the customers due for a follow-up within the planner's
    horizon, the others later, by shifting each customer's touchpoints in time.

    Works from the stored ``next_followup_date`` (= last touchpoint + cadence of
    the tier, computed by the tier cron or on write): the per-customer cadence is
    next - last; a customer's touchpoints move by ``new_last - last``."""
    next_field = first_field(env, "res.partner", NEXT_DATE_FIELDS)
    if not next_field or not next_field.store:
        raise Skip("res.partner has no stored next follow-up date: adapt hooks.py")
    col = next_field.name
    cr = env.cr
    env.flush_all()
    cr.execute("SELECT setseed(0.11)")
    cr.execute("DROP TABLE IF EXISTS bench_due")
    cr.execute(
        f"""CREATE TEMP TABLE bench_due AS
            SELECT id, last_touchpoint_date::date AS last,
                   greatest({col}::date - last_touchpoint_date::date, 1) AS cadence,
                   row_number() OVER (ORDER BY random()) AS rn
              FROM res_partner
             WHERE ref LIKE %s AND {col} IS NOT NULL
               AND last_touchpoint_date IS NOT NULL""",
        [BENCH_REF + "%"],
    )
    due = int(customers * DUE_FRACTION)
    # target next date: due ones within 1..horizon days, the others after the
    # horizon (but at most one cadence ahead: the last touchpoint stays in the past)
    cr.execute(
        """ALTER TABLE bench_due ADD COLUMN delta int;
           UPDATE bench_due SET delta = least(
                  current_date + (CASE WHEN rn <= %(due)s
                      THEN 1 + rn %% %(horizon)s
                      ELSE %(horizon)s + 1 + rn %% greatest(cadence - %(horizon)s, 1)
                  END)::int - cadence,
                  current_date - 1) - last""",
        {"due": due, "horizon": planner_horizon(env)},
    )
    cr.execute(
        """UPDATE customer_touchpoint t
              SET date = t.date + make_interval(days => d.delta)
             FROM bench_due d WHERE d.id = t.partner_id AND d.delta <> 0"""
    )
    cr.execute(
        f"""UPDATE res_partner p
               SET last_touchpoint_date = p.last_touchpoint_date
                       + make_interval(days => d.delta),
                   {col} = p.{col} + make_interval(days => d.delta)
              FROM bench_due d WHERE d.id = p.id AND d.delta <> 0"""
    )
    cr.execute("ANALYZE customer_touchpoint; ANALYZE res_partner")
    env.invalidate_all()
    cr.commit()
    return {"due": count_planner_due(env), "records": due}


def count_planner_due(env):
    next_field = first_field(env, "res.partner", NEXT_DATE_FIELDS)
    if not next_field or not next_field.store:
        return None
    return count(
        env,
        "res_partner",
        f"ref LIKE '{BENCH_REF}%' AND {next_field.name} "
        f"<= current_date + {int(planner_horizon(env))}",
    )


def count_reminders_due(env):
    if REPLACEMENT_MODEL not in env:
        return None
    model = env[REPLACEMENT_MODEL]
    if "remind_date" not in model._fields or "state" not in model._fields:
        return None
    return count(env, model._table, "state = 'planned' AND remind_date <= current_date")
