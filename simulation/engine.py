"""The daily loop: the shop's clock moved through each day in its timezone
(freezegun), the scheduled actions of the addon at their night hours as the
cron runner runs them (``ir.cron.method_direct_trigger``: ``_commit_progress``
and the time budget apply), then the shop's day: the owner plans and posts
the campaigns, the mailings leave, the salespeople do their activities and
the customers order, reply, opt out, get blacklisted, send mourning notices
or go quiet. The invariants are checked at the end of every day."""

import datetime
import logging
from collections import defaultdict

import pytz
from freezegun import api as freezegun_api
from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api
from odoo.sql_db import BaseCursor

from . import shop as shop_module
from .customers import CustomersMixin, bought_product_ids
from .invariants import Checker
from .truth import control_snapshot, needed
from .world import World

_logger = logging.getLogger("simulation")

NIGHTLY = [
    # (xml id, hour, weekday or None, month day or None), in order
    ("customer_followup.ir_cron_compute_tiers", 1.0, None, None),
    ("customer_followup.ir_cron_refresh_effect_report", 2.0, None, None),
    ("customer_followup.ir_cron_reorder_intervals", 3.0, None, None),
    ("customer_followup.ir_cron_suggest_replacement_rules", 3.5, None, 1),
    ("customer_followup.ir_cron_campaigns", 4.0, None, None),
    ("customer_followup.ir_cron_plan_followups", 5.0, None, None),
    ("customer_followup.ir_cron_replacement_reminders", 6.0, None, None),
    ("customer_followup.ir_cron_slipping_mail", 7.0, 0, None),
]
EFFECT_REFRESH = "customer_followup.ir_cron_refresh_effect_report"
MAIL_CRONS = [
    "mass_mailing.ir_cron_mass_mailing_queue",
    "mail.ir_cron_mail_scheduler_action",
]
# the greeting calendar's seasons the owner plans (the midwinter greeting
# goes to the customers in mourning, from the New Year campaign)
SEASONS = ("new_year", "summer", "late_summer", "summer_gift", "year_end_gift")
PLAN_DAYS_BEFORE_POSTING = 21
P_DONE_TODAY = 0.75
P_DONE_LATE = 0.45


def wall():
    """Seconds on the real clock (the simulated one stands still)."""
    return freezegun_api.real_perf_counter()


def _frozen_now(self):
    """The transaction's timestamp on the simulated clock (as Odoo's test
    cursor does): create and write dates follow the simulated days."""
    if self._now is None:
        self._now = datetime.datetime.now()
    return self._now


class LogCapture(logging.Handler):
    """Every Odoo log record of WARNING or worse, with the simulated day."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.day = None
        self.records = []

    def emit(self, record):
        if record.name.startswith("simulation"):
            return
        self.records.append((self.day, record.levelname, record.name, record.msg))


class Simulation(CustomersMixin):
    def __init__(self, registry, options):
        self.registry = registry
        self.options = options
        self.world = World(options.seed, options.effect)
        self.tz = pytz.timezone(shop_module.TZ)
        self.freezer = None
        self.checker = Checker(self)
        self.logs = LogCapture()
        self.ledger = []  # (partner id, day, [product ids], amount, planned-free)
        self.stats = defaultdict(lambda: defaultdict(float))
        self.day_seconds = []
        # {channel: {orders, revenue}} due to the contacts of the channel
        self.caused = defaultdict(lambda: defaultdict(float))
        # {(contact type, year, budget): {day: used at the end of the day}}
        self.budget_used = defaultdict(dict)
        # the control group's comparison as the owner reads it on the first
        # of each month (and the last day)
        self.control_series = []
        self.cron_seconds = defaultdict(float)
        self.products = {}
        self.users = []
        self.last_touchpoint_id = 0
        self.planned_done = set()
        # {partner id: {visit|call|postal|email: UTC moment of the refusal}}
        self.refusals = defaultdict(dict)

    # ------------------------------------------------------------------
    # Clock and environments
    # ------------------------------------------------------------------

    def at(self, day, hour=12.0):
        local = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(
            hours=hour
        )
        moment = self.tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
        self.freezer.move_to(moment)

    def step(self, function, *args):
        """Run ``function(env, *args)`` in its own transaction, committed."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tz": shop_module.TZ})
            return function(env, *args)

    # ------------------------------------------------------------------
    # Run
    # ------------------------------------------------------------------

    def run(self):
        logging.getLogger().addHandler(self.logs)
        BaseCursor.now = _frozen_now
        start = self.options.start
        first = start - datetime.timedelta(days=shop_module.HISTORY_DAYS + 1)
        with freeze_time(first, tick=False) as self.freezer:
            self.at(first, 10.0)
            self.logs.day = first
            self.step(self._setup)
            self._history()
            for offset in range(self.options.days):
                day = start + datetime.timedelta(days=offset)
                self.logs.day = day
                began = wall()
                self._one_day(day)
                self.day_seconds.append((day, wall() - began))
                if offset % 10 == 0 or offset == self.options.days - 1:
                    _logger.info(
                        "day %s done (%.2f s), %s violations so far",
                        day,
                        self.day_seconds[-1][1],
                        len(self.checker.violations),
                    )
            self.at(start + datetime.timedelta(days=self.options.days), 0.5)
            self.final = self.step(self._final_figures)
            self.final["needed"] = needed(self)
        logging.getLogger().removeHandler(self.logs)

    def _setup(self, env):
        env["ir.mail_server"].__class__._disable_send = classmethod(lambda cls: True)
        self.company = shop_module.setup_company(env, self.options)
        users = shop_module.setup_salespeople(env, self.options)
        products = shop_module.setup_products(env)
        self.products = {key: product.id for key, product in products.items()}
        self.prices = {product.id: product.list_price for product in products.values()}
        shop_module.setup_customers(env, self.options, self.world, users)
        self.customer_ids = list(self.world.customers)
        self.user_of = {c.partner_id: c.user_id for c in self.world.customers.values()}
        self.users = sorted(set(self.user_of.values()))

    def _history(self):
        plan = shop_module.history_plan(self.world, self.options.start, self.products)
        # --history-days shortens the history for a cost measure at a large
        # size: the same draws, only the orders of its last days are placed,
        # and every pressure cooker (their replacement cycles fall due)
        since = self.options.start - datetime.timedelta(
            days=getattr(self.options, "history_days", shop_module.HISTORY_DAYS)
        )
        for day in sorted(plan):
            items = [
                item
                for item in plan[day]
                if day >= since or item[1] == [("durable", 1)]
            ]
            if items:
                self.at(day, 13.0)
                self.step(self._place_orders, day, items, True)

    def _one_day(self, day):
        for xmlid, hour, weekday, month_day in NIGHTLY:
            if weekday is not None and day.weekday() != weekday:
                continue
            if month_day is not None and day.day != month_day:
                continue
            self.at(day, hour)
            self.run_cron(xmlid)
            if xmlid == EFFECT_REFRESH:
                self.step(self.checker.check_effect_report, day)
        self.at(day, 7.5)
        self.step(self.checker.after_night, day)
        self.at(day, 9.0)
        self.step(self._owner, day)
        self.at(day, 9.5)
        for xmlid in MAIL_CRONS:
            self.run_cron(xmlid)
        self.at(day, 10.0)
        self._run_triggered()
        self.step(self._read_contacts, day)
        self.at(day, 11.0)
        if day.weekday() < 5:
            self.step(self._salespeople, day)
        self.step(self._read_contacts, day)
        self.at(day, 14.0)
        self.step(self._customers, day)
        self.at(day, 23.5)
        self.step(self.checker.end_of_day, day)
        last = day == self.options.start + datetime.timedelta(self.options.days - 1)
        if day.day == 1 or last:
            self.control_series.append(
                self.step(lambda env: control_snapshot(self, env))
            )

    # ------------------------------------------------------------------
    # Scheduled actions
    # ------------------------------------------------------------------

    def run_cron(self, xmlid):
        began = wall()

        def trigger(env):
            cron = env.ref(xmlid, raise_if_not_found=False)
            if cron and cron.active:
                cron.method_direct_trigger()

        self.step(trigger)
        self.cron_seconds[xmlid] += wall() - began

    def _run_triggered(self):
        """The crons woken up by a trigger due now (the campaign cron logs the
        emails a mailing sent), as the runner does."""

        def due(env):
            env.cr.execute(
                """SELECT DISTINCT d.module || '.' || d.name
                     FROM ir_cron_trigger t
                     JOIN ir_model_data d ON d.model = 'ir.cron'
                      AND d.res_id = t.cron_id
                    WHERE t.call_at <= %s""",
                [datetime.datetime.now()],
            )
            return [row[0] for row in env.cr.fetchall()]

        for xmlid in self.step(due):
            self.run_cron(xmlid)

    # ------------------------------------------------------------------
    # Orders
    # ------------------------------------------------------------------

    def _place_orders(self, env, day, items, history=False):
        """Create and confirm one order per (customer, lines, free[, caused])
        item; ``free``: it would have been placed without the planner's
        contacts; ``caused``: {channel: share} of an order due to the
        contacts (the true revenue by channel)."""
        if not items:
            return
        vals_list = []
        for item in items:
            customer, lines = item[0], item[1]
            vals_list.append(
                {
                    "partner_id": customer.partner_id,
                    "user_id": customer.user_id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self._product(role),
                                "product_uom_qty": quantity,
                            }
                        )
                        for role, quantity in lines
                    ],
                }
            )
        # the orders come from outside the addon (the shop, the e-shop): no
        # chatter tracking nor followers for them, which the addon never reads
        orders = (
            env["sale.order"]
            .with_context(
                mail_auto_subscribe_no_notify=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                tracking_disable=True,
            )
            .create(vals_list)
        )
        orders.action_confirm()
        for item, order in zip(items, orders, strict=True):
            customer = item[0]
            free = item[2] if len(item) > 2 else True
            customer.last_order = day
            self.ledger.append(
                (
                    customer.partner_id,
                    day,
                    bought_product_ids(order),
                    order.amount_untaxed,
                    free,
                )
            )
            if not history:
                self.stats[day]["orders"] += 1
                self.stats[day]["revenue"] += order.amount_untaxed
                for channel, share in (item[3] if len(item) > 3 else {}).items():
                    self.caused[channel]["orders"] += share
                    self.caused[channel]["revenue"] += share * order.amount_untaxed

    def _product(self, role):
        return self.products[role]

    # ------------------------------------------------------------------
    # The shop's owner: campaigns
    # ------------------------------------------------------------------

    def _owner(self, env, day):
        templates = env["customer.followup.campaign.template"].search(
            [("greeting", "in", SEASONS)]
        )
        for template in templates:
            _send, post_start, _end = template._next_season(day)
            if (post_start - day).days > PLAN_DAYS_BEFORE_POSTING:
                continue
            if env["customer.followup.campaign"].search_count(
                [("template_id", "=", template.id), ("send_date", "=", _send)]
            ):
                continue
            action = template.action_create_campaign()
            campaign = env["customer.followup.campaign"].browse(action["res_id"])
            self._confirm(campaign, day)
        self._mourning_midwinter(env, day)
        campaigns = env["customer.followup.campaign"].search(
            [("state", "in", ("planned", "running"))]
        )
        for campaign in campaigns:
            waiting = campaign.piece_ids.filtered(
                lambda p: p.kind == "printed" and p.state == "planned"
            )
            if waiting and min(waiting.mapped("plan_date")) <= day:
                campaign.action_mark_posted()
                self.stats[day]["printed_posted"] += len(waiting)

    def _confirm(self, campaign, day):
        try:
            with campaign.env.cr.savepoint():
                campaign.action_confirm()
            self.stats[day]["campaign_pieces"] += len(campaign.piece_ids)
        except Exception as error:  # noqa: BLE001 - a finding, reported
            self.checker.record(
                "campaign_confirmed", day, campaign.name, f"not confirmed: {error}"
            )

    def _mourning_midwinter(self, env, day):
        """The New Year campaign whose send date has passed gets its midwinter
        greeting for the customers in mourning, once."""
        new_year = env["customer.followup.campaign"].search(
            [("greeting", "=", "new_year"), ("send_date", "=", day)]
        )
        for campaign in new_year:
            if not env["res.partner"].search_count(list(campaign._mourning_domain())):
                continue
            action = campaign.action_plan_midwinter()
            self._confirm(
                env["customer.followup.campaign"].browse(action["res_id"]), day
            )

    # ------------------------------------------------------------------
    # Salespeople
    # ------------------------------------------------------------------

    def _salespeople(self, env, day):
        rng = self.world.rng
        activities = env["mail.activity"].search(
            [("user_id", "in", self.users), ("date_deadline", "<=", day)],
            order="id",
        )
        done_by_user = defaultdict(lambda: env["mail.activity"])
        cancelled = env["mail.activity"]
        # the customers read together (one query, not one per activity)
        partners = {
            partner.id: partner
            for partner in env["res.partner"].browse(
                {a.res_id for a in activities if a.res_model == "res.partner"}
            )
        }
        for activity in activities:
            channel = self._activity_channel(env, activity)
            partner = (
                partners.get(activity.res_id)
                if activity.res_model == "res.partner"
                else None
            )
            if partner and channel and partner._followup_blocked_reason(channel):
                # the salesperson reads the customer's refusal
                cancelled |= activity
                continue
            late = activity.date_deadline < day
            if rng.random() < (P_DONE_LATE if late else P_DONE_TODAY):
                done_by_user[activity.user_id.id] |= activity
                self.stats[day]["done_late" if late else "done_on_time"] += 1
                if activity.followup_planned:
                    self.planned_done.add((activity.res_id, channel))
                self.stats[(day, activity.user_id.id)]["done"] += 1
        for user_id, done in done_by_user.items():
            user = env["res.users"].browse(user_id)
            done.with_user(user).sudo().action_feedback(feedback="Done (simulated)")
        if cancelled:
            self.stats[day]["cancelled_refused"] += len(cancelled)
            cancelled.unlink()

    def _activity_channel(self, env, activity):
        if activity.followup_touchpoint_type_id:
            return activity.followup_touchpoint_type_id.channel
        touchpoint_type = env["customer.touchpoint.type"]._for_activity_type(
            activity.activity_type_id
        )
        return touchpoint_type.channel or False

    def _read_contacts(self, env, day):
        """The contacts the customers received since the last look (outbound
        touchpoints), for the effect of contact."""
        env.cr.execute(
            """SELECT id, partner_id, channel, origin FROM customer_touchpoint
                WHERE id > %s AND direction = 'outbound' ORDER BY id""",
            [self.last_touchpoint_id],
        )
        for touchpoint_id, partner_id, channel, origin in env.cr.fetchall():
            self.last_touchpoint_id = touchpoint_id
            customer = self.world.customers.get(partner_id)
            if not customer:
                continue
            planned = (
                origin == "activity" and (partner_id, channel) in self.planned_done
            )
            customer.contacts.append((day, channel, planned))
            self.stats[day][f"contacts_{origin}"] += 1
            if planned:
                self.stats[day]["contacts_planned"] += 1
        self.planned_done = set()

    # ------------------------------------------------------------------
    # The end
    # ------------------------------------------------------------------

    def _final_figures(self, env):
        from .ranking import effect_ranking  # noqa: PLC0415
        from .report import collect  # noqa: PLC0415
        from .truth import control_comparison  # noqa: PLC0415

        env.cr.execute("SELECT pg_database_size(current_database())")
        size = env.cr.fetchone()[0]
        return {
            "db_size": size,
            "control": control_comparison(self, env),
            "figures": collect(self, env),
            "ranking": effect_ranking(self, env),
            "control_series": self.control_series,
            "budget_used": {
                f"{name} {year}|{budget}": days
                for (name, year, budget), days in self.budget_used.items()
            },
        }

    def totals(self):
        totals = defaultdict(float)
        for key, values in self.stats.items():
            if not isinstance(key, tuple):
                for name, value in values.items():
                    totals[name] += value
        return dict(sorted(totals.items()))

    def result_json(self):
        counts, _first = self.checker.summary()
        seconds = [s for _d, s in self.day_seconds]
        return _json_keys(
            {
                "totals": self.totals(),
                "options": vars(self.options),
                "violations": self.checker.violations,
                "violation_counts": dict(counts),
                "seconds_per_day": sum(seconds) / len(seconds) if seconds else None,
                "cron_seconds": dict(self.cron_seconds),
                "final": self.final,
                "install_seconds": getattr(self, "install_seconds", None),
                "total_seconds": getattr(self, "total_seconds", None),
            }
        )


def _json_keys(value):
    """JSON needs string keys (the weeks of the figures are dates)."""
    if isinstance(value, dict):
        return {str(key): _json_keys(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_keys(item) for item in value]
    return value
