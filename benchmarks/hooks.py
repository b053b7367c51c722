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


SCORING_MODEL = "customer.followup.scoring"
RERUN_FRACTION = 0.01  # share of the customers whose orders change before a re-run


def score_floor(env):
    """The floor of the tier cron: the raw score query of every customer,
    executed and fetched (no write). Returns the number of rows."""
    if SCORING_MODEL not in env or not hasattr(
        env[SCORING_MODEL], "_followup_score_query"
    ):
        raise Skip(f"{SCORING_MODEL}._followup_score_query not found: adapt hooks.py")
    env.flush_all()
    scoring = env[SCORING_MODEL]
    if hasattr(scoring, "_fetch_followup_scores"):  # same settings as the cron
        return len(scoring._fetch_followup_scores())
    return len(env.execute_query(scoring._followup_score_query()))


def prepare_tiers_rerun(env):
    """A day later: RERUN_FRACTION of the tiered customers (random, not in the
    lowest tier) have their orders moved out of the scoring window, so that a
    re-run finds about that many real tier changes (plus the neighbours the
    new percentiles push over a threshold). The tiers before are kept in
    ``bench_tiers_before`` to count the changes after the re-run."""
    field = first_field(env, "res.partner", TIER_FIELDS)
    if not field or not field.store or field.type != "many2one":
        raise Skip("res.partner has no stored tier many2one: adapt hooks.py")
    col = field.name
    cr = env.cr
    env.flush_all()
    cr.execute("DROP TABLE IF EXISTS bench_tiers_before")
    cr.execute(
        f"""CREATE TABLE bench_tiers_before AS
            SELECT id, {col} AS tier_id FROM res_partner
             WHERE ref LIKE %s""",
        [BENCH_REF + "%"],
    )
    cr.execute("SELECT setseed(0.23)")
    cr.execute(
        f"""WITH lowest AS (
                SELECT id FROM {field.comodel_name.replace(".", "_")}
                 WHERE active ORDER BY min_score LIMIT 1
            ), picked AS (
                SELECT p.id FROM res_partner p
                 WHERE p.ref LIKE %(ref)s AND p.{col} IS NOT NULL
                   AND p.{col} NOT IN (SELECT id FROM lowest)
              ORDER BY random()
                 LIMIT %(n)s
            )
            UPDATE sale_order so
               SET date_order = so.date_order - interval '10 years'
              FROM picked
             WHERE so.partner_id = picked.id
         RETURNING so.partner_id""",
        {"ref": BENCH_REF + "%", "n": int(count_customers(env) * RERUN_FRACTION)},
    )
    moved = len({row[0] for row in cr.fetchall()})
    cr.execute("ANALYZE sale_order")
    env.invalidate_all()
    cr.commit()
    return {"customers_changed": moved, "records": moved}


def count_tier_changes(env):
    field = first_field(env, "res.partner", TIER_FIELDS)
    return count(
        env,
        "res_partner p JOIN bench_tiers_before b ON b.id = p.id",
        f"p.{field.name} IS DISTINCT FROM b.tier_id",
    )
