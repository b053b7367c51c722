"""The invariants checked every simulated day. Each check has a name; every
violation is recorded with the day and the records (never only the first),
once per record: a planned activity over the capacity is one violation, not
one per day it stays open."""

import datetime
import logging
import math
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from .report_checks import ReportChecksMixin

_logger = logging.getLogger("simulation")

CHECKS = {
    "reminded_once": "each cycle and step reminded at most once",
    "activity_not_before_day": "no activity created before its day",
    "capacity": "no salesperson's monthly capacity exceeded",
    "yearly_budget": "no contact type's yearly budget exceeded",
    "piece_one_touchpoint": "each campaign piece logged as at most one touchpoint",
    "refused_channel": "nobody contacted through a refused channel or a "
    "blacklisted address",
    "mourning": "no New Year card to a customer in mourning",
    "control_group": "no planned contact to a customer in the control group",
    "reorder_intervals": "learned reorder intervals equal a plain Python recomputation",
    "report_totals": "the effect report's and the conversion report's totals equal "
    "a plain Python recomputation from the orders and touchpoints",
    "odoo_log": "no Odoo WARNING or ERROR logged",
    "open_activities": "open activities per salesperson bounded, one open "
    "planned follow-up per customer",
    "campaign_confirmed": "the owner's campaigns can be confirmed",
}
POSTAL = ("letter", "postcard", "printed_mail")


def refusal_key(channel):
    return "postal" if channel in POSTAL else channel


def percentile_cont(values, fraction):
    """PostgreSQL's ``percentile_cont`` (linear interpolation)."""
    values = sorted(values)
    position = fraction * (len(values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def round_1(value):
    """PostgreSQL's ``ROUND(numeric, 1)``: half away from zero."""
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def learn_intervals(purchases, minimum=3):
    """{(partner, product): (count, last day, median, spread, expected, late)}
    from {(partner, product): set of purchase days}."""
    learned = {}
    for key, days in purchases.items():
        if len(days) < minimum:
            continue
        days = sorted(days)
        gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
        q1, q2, q3 = (percentile_cont(gaps, f) for f in (0.25, 0.5, 0.75))
        last = days[-1]
        learned[key] = (
            len(days),
            last,
            round_1(q2),
            round_1(q3 - q1),
            last + datetime.timedelta(days=math.ceil(q2)),
            last + datetime.timedelta(days=math.ceil(q2 + q3 - q1)),
        )
    return learned


class Checker(ReportChecksMixin):
    def __init__(self, sim):
        self.sim = sim
        self.violations = []
        self.seen = set()
        self.last_activity_id = 0
        self.last_touchpoint_id = 0
        self.last_piece_id = 0
        self.last_log = 0
        self.cycle_steps = {}
        self.broken = set()

    def record(self, check, day, key, detail):
        if (check, key) in self.seen:
            return
        self.seen.add((check, key))
        self.violations.append(
            {"check": check, "day": day, "records": key, "detail": detail}
        )
        # as it happens: a long run shows what went wrong before its end
        _logger.info("violation %s on %s: %s: %s", check, day, key, detail)

    def summary(self):
        counts = defaultdict(int)
        first = {}
        for violation in self.violations:
            counts[violation["check"]] += 1
            first.setdefault(violation["check"], violation)
        return counts, first

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    def after_night(self, env, day):
        self.check_reorder_intervals(env, day)

    def end_of_day(self, env, day):
        env.flush_all()
        self.check_reminded_once(env, day)
        self.check_new_activities(env, day)
        self.check_capacity(env, day)
        self.check_budget(env, day)
        self.check_piece_touchpoints(env, day)
        self.check_refused_channels(env, day)
        self.check_mourning(env, day)
        self.check_conversion_report(env, day)
        self.check_open_activities(env, day)
        self.check_logs(day)

    def rows(self, env, query, params=()):
        env.cr.execute(query, params)
        return env.cr.fetchall()

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    def check_reminded_once(self, env, day):
        """A cycle's reminder step never goes back nor is sent again (a new
        date for the same step), and it has no more reminder touchpoints
        than steps sent."""
        for cycle_id, step, step_date in self.rows(
            env,
            """SELECT id, reminder_step, reminder_step_date FROM customer_replacement
                WHERE reminder_step > 0""",
        ):
            before = self.cycle_steps.get(cycle_id)
            if before and (
                step < before[0] or (step == before[0] and step_date != before[1])
            ):
                self.record(
                    "reminded_once",
                    day,
                    f"customer.replacement({cycle_id}) step {step}",
                    f"step {before[0]} of {before[1]} became step {step} of "
                    f"{step_date}",
                )
            self.cycle_steps[cycle_id] = (step, step_date)
        # a grouped reminder's cycles share its quotation, and their rules
        # may have more or fewer steps: the quotation's reminders are those
        # of its cycle furthest along
        for cycle_id, step, count in self.rows(
            env,
            """SELECT c.id, c.reminder_step, COUNT(t.id)
                 FROM customer_replacement c
                 JOIN customer_touchpoint t ON t.sale_order_id = c.quotation_id
                                           AND t.origin = 'reminder'
                GROUP BY c.id, c.reminder_step
               HAVING COUNT(t.id) > (
                      SELECT MAX(o.reminder_step) FROM customer_replacement o
                       WHERE o.quotation_id = c.quotation_id)""",
        ):
            self.record(
                "reminded_once",
                day,
                f"customer.replacement({cycle_id})",
                f"{count} reminder touchpoints for {step} steps sent",
            )

    def check_new_activities(self, env, day):
        """Activities created today: none before today (their deadline and
        planned day), none planned for a customer left in the control
        group."""
        rows = self.rows(
            env,
            """SELECT a.id, a.res_model, a.res_id, a.date_deadline,
                      a.followup_plan_date, a.followup_planned,
                      EXISTS (SELECT 1 FROM customer_followup_control d
                               WHERE d.partner_id = a.res_id AND d.in_control
                                 AND d.date <= %s AND d.date_to >= %s),
                      COALESCE(planned.channel, typed.channel), a.create_date
                 FROM mail_activity a
            LEFT JOIN customer_touchpoint_type planned
                   ON planned.id = a.followup_touchpoint_type_id
            LEFT JOIN customer_touchpoint_type typed
                   ON typed.activity_type_id = a.activity_type_id AND typed.active
                WHERE a.id > %s ORDER BY a.id""",
            (day, day, self.last_activity_id),
        )
        refusals = self.sim.refusals
        for row in rows:
            activity_id, model, res_id, deadline, plan_date, planned, control = row[:7]
            channel, created = row[7:]
            self.last_activity_id = activity_id
            refused = (
                refusals.get(res_id, {}).get(refusal_key(channel))
                if model == "res.partner" and channel
                else None
            )
            if refused and created >= refused:
                self.record(
                    "refused_channel",
                    day,
                    f"mail.activity({activity_id}) res.partner({res_id})",
                    f"{channel} planned at {created} after the refusal at {refused}",
                )
            if deadline < day or (plan_date and plan_date < day):
                self.record(
                    "activity_not_before_day",
                    day,
                    f"mail.activity({activity_id}) on {model}({res_id})",
                    f"created on {day} for {deadline} (planned day {plan_date})",
                )
            if planned and model == "res.partner" and control:
                self.record(
                    "control_group",
                    day,
                    f"mail.activity({activity_id}) on res.partner({res_id})",
                    "planned follow-up for a customer in the control group",
                )

    def check_capacity(self, env, day):
        """Planned follow-ups (open or done) and the campaigns' personal
        pieces (planned or done) of a salesperson, a contact type with a
        capacity and a month: at most the capacity (as the planner counts)."""
        rows = self.rows(
            env,
            """WITH used AS (
                   SELECT a.user_id, a.followup_touchpoint_type_id AS type_id,
                          date_trunc('month', a.followup_plan_date)::date AS month,
                          a.id AS activity_id, NULL::int AS piece_id
                     FROM mail_activity a
                    WHERE a.followup_planned
                    UNION ALL
                   SELECT p.user_id, p.touchpoint_type_id,
                          date_trunc('month', p.plan_date)::date, NULL, p.id
                     FROM customer_followup_campaign_piece p
                    WHERE p.kind = 'personal' AND p.state IN ('planned', 'done'))
               SELECT u.user_id, t.name->>'en_US', u.month,
                      t.capacity_per_user_month, COUNT(*),
                      COUNT(u.activity_id), COUNT(u.piece_id)
                 FROM used u
                 JOIN customer_touchpoint_type t ON t.id = u.type_id
                WHERE t.capacity_per_user_month > 0
                GROUP BY 1, 2, 3, 4
               HAVING COUNT(*) > t.capacity_per_user_month""",
        )
        for user_id, name, month, capacity, used, activities, pieces in rows:
            self.record(
                "capacity",
                day,
                f"res.users({user_id}) {name} {month:%Y-%m}",
                f"{used} planned ({activities} follow-ups, {pieces} campaign "
                f"pieces) for a capacity of {capacity}",
            )

    def check_budget(self, env, day):
        """Contacts of a type with a yearly budget in a year (campaign pieces
        planned or done by their send date, planned follow-ups by their
        planned day, open or done): at most the budget."""
        rows = self.rows(
            env,
            """WITH used AS (
                   SELECT p.touchpoint_type_id AS type_id,
                          extract(year FROM p.send_date)::int AS year,
                          p.id AS piece_id, NULL::int AS activity_id
                     FROM customer_followup_campaign_piece p
                    WHERE p.state IN ('planned', 'done')
                    UNION ALL
                   SELECT a.followup_touchpoint_type_id,
                          extract(year FROM a.followup_plan_date)::int, NULL, a.id
                     FROM mail_activity a WHERE a.followup_planned)
               SELECT t.id, t.name->>'en_US', u.year, t.yearly_budget, COUNT(*),
                      COUNT(u.piece_id), COUNT(u.activity_id)
                 FROM used u
                 JOIN customer_touchpoint_type t ON t.id = u.type_id
                WHERE t.yearly_budget > 0
                GROUP BY 1, 2, 3, 4""",
        )
        for type_id, name, year, budget, used, pieces, activities in rows:
            # the budget used so far, for the report's chart
            self.sim.budget_used[(name, year, budget)][day] = used
            if used <= budget:
                continue
            self.record(
                "yearly_budget",
                day,
                f"customer.touchpoint.type({type_id}) {name} {year}",
                f"{used} used ({pieces} campaign pieces, {activities} planned "
                f"follow-ups) for a yearly budget of {budget}",
            )

    def check_piece_touchpoints(self, env, day):
        for campaign_id, partner_id, count, ids in self.rows(
            env,
            """SELECT campaign_id, partner_id, COUNT(*), array_agg(id ORDER BY id)
                 FROM customer_touchpoint WHERE campaign_id IS NOT NULL
                GROUP BY 1, 2 HAVING COUNT(*) > 1""",
        ):
            self.record(
                "piece_one_touchpoint",
                day,
                f"campaign {campaign_id}, res.partner({partner_id})",
                f"{count} touchpoints {ids}",
            )

    def check_refused_channels(self, env, day):
        """Contacts made, activities and campaign pieces planned after the
        customer refused their channel (or the email was blacklisted)."""
        refusals = self.sim.refusals
        if not refusals:
            return
        new = []
        for row in self.rows(
            env,
            """SELECT id, partner_id, channel, date, origin FROM customer_touchpoint
                WHERE id > %s AND direction = 'outbound' ORDER BY id""",
            (self.last_touchpoint_id,),
        ):
            self.last_touchpoint_id = row[0]
            new.append((f"customer.touchpoint({row[0]}) {row[4]}", *row[1:4]))
        for row in self.rows(
            env,
            """SELECT p.id, p.partner_id, t.channel, p.create_date
                 FROM customer_followup_campaign_piece p
                 JOIN customer_touchpoint_type t ON t.id = p.touchpoint_type_id
                WHERE p.id > %s ORDER BY p.id""",
            (self.last_piece_id,),
        ):
            self.last_piece_id = row[0]
            new.append((f"customer.followup.campaign.piece({row[0]})", *row[1:]))
        for record, partner_id, channel, moment in new:
            refused = refusals.get(partner_id, {}).get(refusal_key(channel))
            if refused and moment >= refused:
                self.record(
                    "refused_channel",
                    day,
                    f"{record} res.partner({partner_id})",
                    f"{channel} at {moment} after the refusal at {refused}",
                )

    def check_mourning(self, env, day):
        for piece_id, partner_id, state, mourning, send_date in self.rows(
            env,
            """SELECT p.id, p.partner_id, p.state, r.followup_mourning_date,
                      p.send_date
                 FROM customer_followup_campaign_piece p
                 JOIN customer_followup_campaign c ON c.id = p.campaign_id
                 JOIN res_partner r ON r.id = p.partner_id
                WHERE c.greeting = 'new_year' AND p.state IN ('planned', 'done')
                  AND r.followup_mourning_date > p.send_date - interval '1 year'
                  AND r.followup_mourning_date <= p.send_date""",
        ):
            self.record(
                "mourning",
                day,
                f"customer.followup.campaign.piece({piece_id}) "
                f"res.partner({partner_id})",
                f"New Year card ({state}) for {send_date}, mourning notice "
                f"received {mourning}",
            )

    def check_open_activities(self, env, day):
        for partner_id, count in self.rows(
            env,
            """SELECT res_id, COUNT(*) FROM mail_activity
                WHERE active AND followup_planned AND res_model = 'res.partner'
                GROUP BY 1 HAVING COUNT(*) > 1""",
        ):
            self.record(
                "open_activities",
                day,
                f"res.partner({partner_id})",
                f"{count} open planned follow-ups",
            )
        customers = defaultdict(int)
        for user_id in self.sim.user_of.values():
            customers[user_id] += 1
        for user_id, count in self.rows(
            env,
            """SELECT user_id, COUNT(*) FROM mail_activity WHERE active
                GROUP BY 1""",
        ):
            bound = customers.get(user_id, 0) * 1.5 + 10
            if user_id in customers and count > bound:
                self.record(
                    "open_activities",
                    day,
                    f"res.users({user_id}) on {day}",
                    f"{count} open activities, bound {bound:.0f}",
                )

    def check_logs(self, day):
        records = self.sim.logs.records
        for index in range(self.last_log, len(records)):
            log_day, level, logger, message = records[index]
            self.record(
                "odoo_log",
                log_day or day,
                f"log record {index + 1} ({logger})",
                f"{level}: {str(message)[:300]}",
            )
        self.last_log = len(records)

    def check_reorder_intervals(self, env, day):
        """The reorder cron ran at 03:00: its rows are the intervals learned
        from the orders of the days before, within the scoring window."""
        company = env.ref("base.main_company")
        since = day - relativedelta(months=company.followup_window_months)
        purchases = defaultdict(set)
        for partner_id, order_day, product_ids, _amount, _free in self.sim.ledger:
            if since <= order_day < day:
                for product_id in product_ids:
                    purchases[(partner_id, product_id)].add(order_day)
        expected = learn_intervals(purchases)
        actual = {
            (row[0], row[1]): tuple(row[2:])
            for row in self.rows(
                env,
                """SELECT partner_id, product_id, purchase_count,
                          last_purchase_date, median_interval_days, spread_days,
                          expected_date, late_date
                     FROM customer_reorder_interval""",
            )
        }
        for key in expected.keys() | actual.keys():
            want, got = expected.get(key), actual.get(key)
            if want != got:
                self.record(
                    "reorder_intervals",
                    day,
                    f"res.partner({key[0]}) product.product({key[1]}) on {day}",
                    f"learned {got}, recomputed {want}",
                )
