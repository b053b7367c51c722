"""Everything that depends on the tier and consumable features, in one place.

The tier cron, the planner and the replacement reminders land from other
branches: field names may differ from the guesses below. Each function checks
what exists and raises ``Skip`` (or returns ``None``) when it cannot work, so the
rest of the benchmark runs.
"""

from datetime import date, timedelta

from generate import BENCH_REF, DUE_FRACTION, REPLACEMENT_MODEL, insert_select

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


def open_registry(database, addons_path=None):
    """The registry of ``database``, configured as every benchmark process
    runs Odoo: no HTTP beyond localhost, no cron threads, warnings only."""
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo_args = [
        "-d",
        database,
        "--http-interface=127.0.0.1",
        "--log-level=warn",
        "--max-cron-threads=0",
    ]
    if addons_path:
        odoo_args.append(f"--addons-path={addons_path}")
    odoo.tools.config.parse_config(odoo_args)
    return Registry(database)


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
    give_counting_contact(env, col)
    cr.execute("SELECT setseed(0.11)")
    cr.execute("DROP TABLE IF EXISTS bench_due")
    cr.execute(
        f"""CREATE TEMP TABLE bench_due AS
            SELECT id, last_cadence_contact_date::date AS last,
                   greatest({col}::date - last_cadence_contact_date::date, 1)
                       AS cadence,
                   row_number() OVER (ORDER BY random()) AS rn
              FROM res_partner
             WHERE ref LIKE %s AND {col} IS NOT NULL
               AND last_cadence_contact_date IS NOT NULL""",
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
                   last_cadence_contact_date = p.last_cadence_contact_date
                       + make_interval(days => d.delta),
                   {col} = p.{col} + make_interval(days => d.delta)
              FROM bench_due d WHERE d.id = p.id AND d.delta <> 0"""
    )
    cr.execute("ANALYZE customer_touchpoint; ANALYZE res_partner")
    env.invalidate_all()
    cr.commit()
    return {"due": count_planner_due(env), "records": due}


def give_counting_contact(env, col):
    """A visit 30 days ago for the tiered customers who have no contact that
    counts for their tier's cadence (they would all be due today), so that
    the due fraction is DUE_FRACTION."""
    if "last_cadence_contact_date" not in env["res.partner"]._fields:
        return
    cr = env.cr
    select = """FROM res_partner p
                JOIN customer_tier t ON t.id = p.followup_tier_id
                JOIN customer_touchpoint_type tt ON tt.channel = 'visit'
                     AND tt.active AND tt.id = (SELECT min(id)
                         FROM customer_touchpoint_type WHERE channel = 'visit')
               WHERE p.ref LIKE %(ref)s AND p.last_cadence_contact_date IS NULL
                 AND t.cadence_days > 0"""
    insert_select(
        cr,
        "customer_touchpoint",
        {
            "partner_id": "p.id",
            "type_id": "tt.id",
            "channel": "tt.channel",
            "weight": "tt.weight",
            "user_id": "p.user_id",
            "company_id": "coalesce(p.company_id, 1)",
            "origin": "'activity'",
            "direction": "'outbound'",
            "summary": "'Bench visit'",
            "date": "(now() - interval '30 days')::timestamp(0)",
            "create_uid": "1",
            "write_uid": "1",
            "create_date": "now() - interval '30 days'",
            "write_date": "now() - interval '30 days'",
        },
        select,
        {"ref": BENCH_REF + "%"},
    )
    cr.execute(
        f"""UPDATE res_partner p
               SET last_cadence_contact_date = tp.last,
                   last_touchpoint_date = greatest(p.last_touchpoint_date, tp.last),
                   {col} = tp.last::date + t.cadence_days
              FROM (SELECT partner_id, max(date) AS last FROM customer_touchpoint
                     WHERE summary = 'Bench visit' GROUP BY partner_id) tp,
                   customer_tier t
             WHERE p.id = tp.partner_id AND t.id = p.followup_tier_id
               AND p.last_cadence_contact_date IS NULL"""
    )


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


PLANNER_MODEL = "customer.followup.planner"
REMINDER_SERVICE = "customer.replacement.reminder"


def planner_floor_vals(env):
    """The activities the planner would create now, as it writes them: the
    planner decides in a dry run (nothing written), and the values are built
    with its own texts. Only their creation is the floor."""
    if PLANNER_MODEL not in env or not hasattr(env[PLANNER_MODEL], "_activity_vals"):
        raise Skip(f"{PLANNER_MODEL}._activity_vals not found: adapt hooks.py")
    from odoo import fields  # noqa: PLC0415

    planner = env[PLANNER_MODEL]
    today = fields.Date.context_today(planner)
    lines = planner._plan(today=today, dry_run=True)
    to_create = [line for line in lines if line.action == "create"]
    if not to_create:
        return []
    return planner._activity_vals(to_create, today)


def planner_floor_warm(env, vals_list):
    """Load the due customers in one query, as the planner has them in memory
    when it creates the activities (``try_lock_for_update`` reads them):
    without it, ``mail.activity._compute_res_name`` reads each customer's
    name in its own query (one per activity) and the floor is slower than
    the cron."""
    partners = env["res.partner"].browse({vals["res_id"] for vals in vals_list})
    partners._fetch_field(partners._fields["name"])


def planner_floor(env, vals_list):
    """The floor of the planner: its activities in one batched ``create``
    (as ``_apply_plan`` calls it), flushed. The caller rolls back."""
    activities = (
        env["mail.activity"]
        .sudo()
        .with_context(mail_activity_quick_update=True)
        .create(vals_list)
    )
    env.cr.flush()  # the ORM and the precommit hooks, as a commit runs them
    return len(activities)


def reminders_floor_data(env):
    """The cycles the reminder cron would remind now (due, part not bought),
    their quotation values as the service prepares them, and those reminded
    by email (the service's own choice of contact)."""
    if REPLACEMENT_MODEL not in env or REMINDER_SERVICE not in env:
        raise Skip(f"{REPLACEMENT_MODEL} / {REMINDER_SERVICE} not found")
    from odoo import fields  # noqa: PLC0415

    Cycle = env[REPLACEMENT_MODEL].sudo()
    today = fields.Date.context_today(Cycle)
    cycles = Cycle.search(Cycle._reminder_domain(today), order="remind_date, id")
    bought = cycles._find_parts_bought()
    cycles -= Cycle.browse([cycle.id for cycle in bought])
    service = env[REMINDER_SERVICE].sudo()
    payment_companies = env["sale.order"]._followup_payment_companies(cycles.company_id)
    vals_list = [
        service._prepare_quotation_vals(cycle, payment_companies=payment_companies)
        for cycle in cycles
    ]
    mail_cycles = cycles.filtered(lambda c: service._choose_contact(c)[1] == "mail")
    return cycles, vals_list, mail_cycles


def reminders_floor(env, cycles, vals_list, mail_cycles):
    """The floor of the reminder cron: the quotations in one batched
    ``create`` (one line each, no assignment mail), linked to their cycles in
    one UPDATE (the mail shows the quotation), and the reminder mails queued
    with ``send_mail_batch`` per template. The caller rolls back."""
    quotations = (
        env["sale.order"]
        .sudo()
        .with_context(mail_auto_subscribe_no_notify=True)
        .create(vals_list)
    )
    env.flush_all()
    if cycles:
        env.cr.execute(
            f"""UPDATE {cycles._table} c SET quotation_id = v.quotation_id
                  FROM unnest(%s::int[], %s::int[]) AS v(id, quotation_id)
                 WHERE c.id = v.id""",
            [cycles.ids, quotations.ids],
        )
        cycles.invalidate_recordset(["quotation_id"])
    default_template = env.ref("customer_followup.mail_template_replacement_reminder")
    for template, template_cycles in mail_cycles.grouped(
        lambda c: c.rule_id.mail_template_id or default_template
    ).items():
        template.send_mail_batch(template_cycles.ids, force_send=False)
    env.cr.flush()  # the ORM and the precommit hooks, as a commit runs them
    return {"quotations": len(quotations), "mails": len(mail_cycles)}


def reorder_floor(env):
    """The floor of the reorder interval cron: its learning query over every
    customer at once, with the cron's work memory, executed and fetched,
    without writing."""
    model = env.get("customer.reorder.interval")
    if model is None:
        raise Skip("not installed")
    from odoo.fields import Date  # noqa: PLC0415

    env.flush_all()
    rows = env["customer.followup.scoring"]._execute_scoring_query(
        model._reorder_learned_sql(Date.today())
    )
    return len(rows)


def reorder_counts(env):
    env.cr.execute(
        "SELECT reorder_state, count(*) FROM customer_reorder_interval GROUP BY 1"
    )
    return dict(env.cr.fetchall())


# ---------------------------------------------------------------------------
# campaigns
# ---------------------------------------------------------------------------

CAMPAIGN_NAME = "Bench New Year greeting"


def campaign_create(env):
    """A New Year greeting to every generated customer: handwritten postcards
    for A (1,000 a year), printed cards for B, email for C and D."""
    if "customer.followup.campaign" not in env:
        raise Skip("campaigns not installed")
    ref = env.ref
    postcard = ref("customer_followup.touchpoint_type_postcard")
    printed = ref("customer_followup.touchpoint_type_printed_mail")
    email = ref("customer_followup.touchpoint_type_email")
    postcard.yearly_budget = 1000
    lines = []
    for code, touchpoint_type in (
        ("a", postcard),
        ("b", printed),
        ("c", email),
        ("d", email),
    ):
        tier = ref(f"customer_followup.customer_tier_{code}", raise_if_not_found=False)
        if tier:
            lines.append(
                (0, 0, {"tier_id": tier.id, "touchpoint_type_id": touchpoint_type.id})
            )
    lines.append((0, 0, {"touchpoint_type_id": email.id}))
    return env["customer.followup.campaign"].create(
        {
            "name": CAMPAIGN_NAME,
            "send_date": date.today() + timedelta(days=30),
            "partner_domain": repr([("ref", "=like", f"{BENCH_REF}%")]),
            "message": "<p>Happy New Year</p>",
            "line_ids": lines,
            "fallback_type_ids": [(6, 0, [printed.id, email.id])],
        }
    )


def campaign_pieces(env):
    env.cr.execute(
        "SELECT kind, count(*) FROM customer_followup_campaign_piece GROUP BY kind"
    )
    return dict(env.cr.fetchall())


def campaign_sent_traces(env, limit):
    """The bench campaign's mailing sent ``limit`` of its emails: their
    traces, written as the mail queue leaves them (status sent)."""
    env.cr.execute(
        "SELECT id, mailing_id FROM customer_followup_campaign WHERE name = %s "
        "AND state = 'planned' ORDER BY id DESC LIMIT 1",
        [CAMPAIGN_NAME],
    )
    row = env.cr.fetchone()
    if not row or not row[1]:
        raise Skip("no confirmed bench campaign with a mailing")
    campaign_id, mailing_id = row
    count = insert_select(
        env.cr,
        "mailing_trace",
        {
            "trace_type": "'mail'",
            "model": "'res.partner'",
            "res_id": "piece.partner_id",
            "mass_mailing_id": "piece.mailing_id",
            "email": "p.email",
            "email_normalized": "p.email_normalized",
            "trace_status": "'sent'",
            "sent_datetime": "NOW() AT TIME ZONE 'UTC'",
            "create_date": "NOW() AT TIME ZONE 'UTC'",
            "write_date": "NOW() AT TIME ZONE 'UTC'",
            "create_uid": "1",
            "write_uid": "1",
        },
        """FROM customer_followup_campaign_piece piece
           JOIN res_partner p ON p.id = piece.partner_id
          WHERE piece.campaign_id = %(campaign)s AND piece.kind = 'email'
            AND piece.mailing_id = %(mailing)s
          ORDER BY piece.id LIMIT %(limit)s""",
        {"campaign": campaign_id, "mailing": mailing_id, "limit": limit},
    )
    # statistics of the new traces, as autovacuum leaves them between the
    # sending and the cron: without them the floor's join picks a nested
    # loop over the pieces (334 s instead of about a second at 100,000)
    env.cr.execute("ANALYZE mailing_trace, customer_followup_campaign_piece")
    return count


def campaign_emails_floor(env):
    """The floor of logging the campaign's sent emails: their touchpoints
    written by one plain ``INSERT ... SELECT`` from the sent traces (what the
    campaign cron must at least do; the caller rolls it back)."""
    return insert_select(
        env.cr,
        "customer_touchpoint",
        {
            "partner_id": "piece.partner_id",
            "type_id": "piece.touchpoint_type_id",
            "channel": "type.channel",
            "weight": "type.weight",
            "user_id": "COALESCE(piece.user_id, campaign.user_id)",
            "summary": "campaign.name",
            "origin": "'campaign'",
            "direction": "'outbound'",
            "campaign_id": "piece.campaign_id",
            "date": "trace.sent_datetime",
            "company_id": "campaign.company_id",
            "create_uid": "1",
            "create_date": "NOW() AT TIME ZONE 'UTC'",
            "write_uid": "1",
            "write_date": "NOW() AT TIME ZONE 'UTC'",
        },
        """FROM mailing_trace trace
           JOIN customer_followup_campaign_piece piece
             ON piece.mailing_id = trace.mass_mailing_id
            AND piece.partner_id = trace.res_id
           JOIN customer_followup_campaign campaign ON campaign.id = piece.campaign_id
           JOIN customer_touchpoint_type type ON type.id = piece.touchpoint_type_id
          WHERE trace.trace_status = 'sent' AND trace.model = 'res.partner'
            AND piece.kind = 'email' AND piece.state = 'planned'""",
    )
