import calendar
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL, format_date

from .customer_followup_orders import confirmed_orders_sql

# The customer's date offered for anniversaries besides res.partner's own
# Date fields: the first confirmed order.
CUSTOMER_SINCE = "followup_customer_since"
# Dates of res.partner that are no anniversary.
NOT_ANNIVERSARIES = ("next_followup_date", "followup_mourning_date")
# Customers planned at once by the anniversary cron.
ANNIVERSARY_BATCH = 500
# Sent emails logged at once by the campaign cron.


class CustomerFollowupCampaignAnniversary(models.AbstractModel):
    """A campaign on each customer's anniversary: it runs for a year from its
    send date, and its cron plans, each day, the pieces of the customers
    whose anniversary comes within its days ahead."""

    _name = "customer.followup.campaign.anniversary"
    _description = "Follow-up Campaign Anniversaries"

    anniversary_field = fields.Selection(
        selection="_selection_anniversary_field",
        string="Anniversary",
        help="The date of the customer whose anniversary the campaign "
        "celebrates: a Date field of the contacts (such as the birth date of "
        "partner_contact_birthdate when installed) or the day of the first "
        "confirmed order.",
    )
    anniversary_days_before = fields.Integer(
        string="Days Ahead",
        default=14,
        help="The pieces of a customer are planned this many days before its "
        "anniversary: the salesperson writes the card in those days, and the "
        "email is sent on the day.",
    )

    @api.model
    def _selection_anniversary_field(self):
        """The Date fields of the contacts (a birth date of another module
        included, when installed) and the day of the first confirmed order."""
        partner_fields = self.env["res.partner"]._fields
        choices = [
            (name, field._description_string(self.env))
            for name, field in partner_fields.items()
            if field.type == "date"
            and (field.store or name == CUSTOMER_SINCE)
            and name not in NOT_ANNIVERSARIES
        ]
        return sorted(choices, key=lambda choice: choice[1])

    def _anniversary_end(self):
        """An anniversary campaign covers the anniversaries of one year from
        its send date."""
        return fields.Date.add(self.send_date, years=1, days=-1)

    def _anniversary_dates(self, month_days=None):
        """{customer id: its date} for the active customers of the audience
        with the campaign's date set and no piece yet, only those whose month
        and day are in ``month_days`` (month * 100 + day) if given."""
        self.ensure_one()
        fname = self.anniversary_field
        if not fname or fname not in self.env["res.partner"]._fields:
            return {}
        self.env.flush_all()
        audience = (
            self.env["res.partner"]
            .with_context(active_test=False)
            ._search(self._audience_domain() & Domain("active", "=", True))
        )
        if fname == CUSTOMER_SINCE:
            source = SQL(
                """
                SELECT sale.customer_id AS partner_id, MIN(sale.day) AS day
                  FROM (%(confirmed)s) sale
                 WHERE sale.customer_id IN (%(audience)s)
              GROUP BY sale.customer_id
                """,
                confirmed=confirmed_orders_sql(),
                audience=audience.subselect(),
            )
        else:
            source = SQL(
                """
                SELECT partner.id AS partner_id, partner.%s AS day
                  FROM res_partner partner
                 WHERE partner.%s IS NOT NULL AND partner.id IN (%s)
                """,
                SQL.identifier(fname),
                SQL.identifier(fname),
                audience.subselect(),
            )
        month_day = SQL("TRUE")
        if month_days is not None:
            month_day = SQL(
                "(EXTRACT(MONTH FROM source.day) * 100"
                " + EXTRACT(DAY FROM source.day))::int = ANY(%s)",
                sorted(month_days),
            )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT source.partner_id, source.day
                  FROM (%s) source
                 WHERE %s
                   AND NOT EXISTS (
                        SELECT 1 FROM customer_followup_campaign_piece piece
                         WHERE piece.campaign_id = %s
                           AND piece.partner_id = source.partner_id)
                """,
                source,
                month_day,
                self._origin.id or 0,
            )
        )
        return dict(rows)

    def _anniversaries_due(self, first, last):
        """{customer id: the day of its anniversary} for the anniversaries
        from ``first`` to ``last`` without a piece yet (29 February is
        celebrated on the 28th in other years; nobody on the day of the date
        itself)."""
        days = {}
        day = first
        while day <= last:
            days[day.month * 100 + day.day] = day
            if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
                days[229] = day
            day += timedelta(days=1)
        due = {}
        for partner_id, date in self._anniversary_dates(days).items():
            anniversary = days[date.month * 100 + date.day]
            if date.year < anniversary.year:
                due[partner_id] = anniversary
        return due

    def _confirm_anniversaries(self, today):
        """Confirm an anniversary campaign: it runs for its year, and the
        pieces of the anniversaries coming within its days ahead are planned
        at once."""
        if not self._anniversary_dates():
            raise UserError(
                self.env._(
                    "Campaign %(name)s has no audience: no customer of its "
                    "filter and tiers has a date for its anniversary.",
                    name=self.name,
                )
            )
        campaign = self.sudo()
        campaign.write({"state": "planned"})
        campaign._run_anniversaries(today)
        self.message_post(
            body=self.env._(
                "Campaign confirmed: each customer's piece is planned %(days)s "
                "days before its anniversary, until %(date)s.",
                days=self.anniversary_days_before,
                date=format_date(self.env, self._anniversary_end()),
            )
        )

    def _run_anniversaries(self, today, batch_size=ANNIVERSARY_BATCH, cron=False):
        """Plan the pieces of the customers whose anniversary comes within
        the days ahead (from today on, so that a day the cron missed is
        caught up), in batches. The campaign is locked for each batch: a
        second worker leaves it alone, and a customer with a piece is not
        planned again. Returns False when the cron's time is used up."""
        self.ensure_one()
        first = max(today, self.send_date)
        last = min(
            today + timedelta(days=self.anniversary_days_before),
            self._anniversary_end(),
        )
        seen = set()
        partners = self.env["res.partner"].with_context(active_test=False)
        while first <= last:
            if not self.try_lock_for_update():
                return True
            self.invalidate_recordset(["state"])
            if self.state not in ("planned", "running"):
                return True
            due = {
                partner_id: day
                for partner_id, day in self._anniversaries_due(first, last).items()
                if partner_id not in seen
            }
            if not due:
                break
            batch = sorted(due, key=lambda partner_id: (due[partner_id], partner_id))
            batch = batch[:batch_size]
            seen.update(batch)
            by_day = defaultdict(list)
            for partner_id in batch:
                by_day[due[partner_id]].append(partner_id)
            for day, partner_ids in sorted(by_day.items()):
                self._create_pieces(
                    self._plan_chunks(
                        today, partners=partners.browse(partner_ids), send_date=day
                    ),
                    today,
                    day,
                )
            if cron and not self.env["ir.cron"]._commit_progress(
                len(batch), remaining=len(due) - len(batch)
            ):
                return False
        self._update_progress()
        return True

    @api.model
    def _cron_run_campaigns(self):
        """Log the emails the campaigns' mailings sent; then, each day, plan
        the pieces of the anniversaries coming within each running
        anniversary campaign's days ahead."""
        today = self.env.company._followup_today()
        cron = bool(self.env.context.get("ir_cron_progress_id"))
        if not self._log_sent_emails(cron=cron):
            return
        campaigns = self.sudo().search(
            [("timing", "=", "anniversary"), ("state", "in", ("planned", "running"))],
            order="id",
        )
        for campaign in campaigns:
            if not campaign._run_anniversaries(today, cron=cron):
                return
