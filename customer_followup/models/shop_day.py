# Copyright 2026 customer_followup contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The shop's day: the one rule for "what day is it for this company".

Odoo stores moments in UTC. A Japanese shop (UTC+9) lives from 15:00 UTC of
the day before to 15:00 UTC: a visit at 08:00 in Tokyo is on the shop's day,
not on UTC's previous day. Every date the addon derives from a moment (a
contact's day, an order's day, today, a week, a month) goes through the
methods below, in Python, or through ``shop_date_sql`` in SQL."""

import datetime

import pytz

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.base.models.res_partner import _tz_get

# The night hours of the scheduled actions in the shop's timezone, in the
# order their data feeds each other (tiers before the planner, the learned
# intervals before the reminders), with the weekday (0 = Monday) of the
# weekly ones and the month day of the monthly ones.
NIGHTLY_CRONS = {
    "customer_followup.ir_cron_compute_tiers": {"hour": 1.0},
    "customer_followup.ir_cron_refresh_effect_report": {"hour": 2.0},
    "customer_followup.ir_cron_reorder_intervals": {"hour": 3.0},
    "customer_followup.ir_cron_suggest_replacement_rules": {"hour": 3.5, "day": 1},
    "customer_followup.ir_cron_campaigns": {"hour": 4.0},
    "customer_followup.ir_cron_plan_followups": {"hour": 5.0},
    "customer_followup.ir_cron_replacement_reminders": {"hour": 6.0},
    "customer_followup.ir_cron_slipping_mail": {"hour": 7.0, "weekday": 0},
}


def shop_date_sql(column, tz):
    """SQL of the shop's day of ``column`` (an SQL timestamp without time zone,
    in UTC as Odoo stores them) in the timezone ``tz`` (a name or SQL)."""
    return SQL("((%s AT TIME ZONE 'UTC') AT TIME ZONE %s)::date", column, tz)


def shop_moment_sql(day, tz):
    """SQL of the UTC timestamp at which the shop's day ``day`` (SQL of a date)
    starts in the timezone ``tz`` (a name or SQL)."""
    return SQL("((%s)::timestamp AT TIME ZONE %s AT TIME ZONE 'UTC')", day, tz)


class ResCompany(models.Model):
    _inherit = "res.company"

    followup_tz = fields.Selection(
        _tz_get,
        string="Shop Timezone",
        compute="_compute_followup_tz",
        store=True,
        readonly=False,
        help="The timezone of the shop's day: today, the day of a contact or an "
        "order, a customer's birthday, the weeks and months of the reports, and "
        "the night hours of the scheduled actions follow it.",
    )

    @api.depends("partner_id")
    def _compute_followup_tz(self):
        admin_tz = None
        for company in self:
            if company.partner_id.tz:
                company.followup_tz = company.partner_id.tz
                continue
            if admin_tz is None:
                admins = (
                    self.env["res.users"]
                    .sudo()
                    .search(
                        [("group_ids", "in", self.env.ref("base.group_system").ids)],
                        order="id",
                    )
                )
                admin_tz = next((user.tz for user in admins if user.tz), False)
            company.followup_tz = admin_tz or "UTC"

    def _followup_shop(self):
        """The company whose day counts: this one, else the current one."""
        return self[:1] or self.env.company

    def _followup_tz_name(self):
        return self._followup_shop().sudo().followup_tz or "UTC"

    def _followup_tzinfo(self):
        return pytz.timezone(self._followup_tz_name())

    def _followup_now(self):
        """This moment on the shop's clock (an aware datetime)."""
        return pytz.utc.localize(fields.Datetime.now()).astimezone(
            self._followup_tzinfo()
        )

    def _followup_today(self):
        """Today, in the shop's timezone."""
        return self._followup_now().date()

    def _followup_date(self, value):
        """The shop's day of ``value``: a UTC datetime as Odoo stores them (a
        date is returned as it is, an empty value as False)."""
        if not value:
            return False
        if isinstance(value, datetime.datetime):
            if value.tzinfo is None:
                value = pytz.utc.localize(value)
            return value.astimezone(self._followup_tzinfo()).date()
        return fields.Date.to_date(value)

    def _followup_moment(self, day, hour=0.0):
        """The UTC datetime (naive, as Odoo stores them) of ``hour`` o'clock
        (a float: 9.5 is 09:30) on the shop's day ``day``."""
        local = datetime.datetime.combine(
            fields.Date.to_date(day), datetime.time()
        ) + datetime.timedelta(hours=hour)
        aware = self._followup_tzinfo().localize(local)
        return aware.astimezone(pytz.utc).replace(tzinfo=None)

    def _followup_sql_date(self, column):
        """SQL of the shop's day of ``column`` in this company's timezone."""
        return shop_date_sql(column, self._followup_tz_name())

    # ------------------------------------------------------------------
    # The night hours of the scheduled actions
    # ------------------------------------------------------------------

    @api.model
    def _followup_next_run(self, schedule, now=None):
        """The next UTC moment after ``now`` of a ``NIGHTLY_CRONS`` schedule in
        the main company's timezone."""
        shop = self._followup_main_shop()
        now = now or fields.Datetime.now()
        today = shop._followup_date(now)
        for offset in range(32):
            day = today + datetime.timedelta(days=offset)
            if "weekday" in schedule and day.weekday() != schedule["weekday"]:
                continue
            if "day" in schedule and day.day != schedule["day"]:
                continue
            moment = shop._followup_moment(day, schedule["hour"])
            if moment > now:
                return moment
        return now + datetime.timedelta(days=1)

    @api.model
    def _followup_main_shop(self):
        main = self.env.ref("base.main_company", raise_if_not_found=False)
        return (main or self.env.company).sudo()

    @api.model
    def _followup_schedule_crons(self):
        """Move the addon's scheduled actions to their night hours in the main
        company's timezone (at install and when that timezone changes)."""
        for xmlid, schedule in NIGHTLY_CRONS.items():
            cron = self.env.ref(xmlid, raise_if_not_found=False)
            if cron:
                cron.sudo().nextcall = self._followup_next_run(schedule)

    def write(self, vals):
        result = super().write(vals)
        if "followup_tz" in vals and self._followup_main_shop() in self:
            self._followup_schedule_crons()
        return result
