import hashlib
import json
from datetime import date, timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# Periods of the draw are counted from this day, so that a period is the
# same for every run of the planner.
PERIOD_EPOCH = date(2000, 1, 3)


class CustomerFollowupControl(models.Model):
    """One draw of the control group: a due customer of a chosen tier, drawn
    once per period either into the control group (left uncontacted until
    ``date_to``) or not (contacted as planned). The customers not drawn are
    the contacted group the control group is compared with."""

    _name = "customer.followup.control"
    _description = "Control Group Draw"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    tier_id = fields.Many2one(
        "customer.tier", readonly=True, ondelete="set null", index=True
    )
    date = fields.Date(
        string="Drawn On", required=True, readonly=True, help="The day it was due."
    )
    date_to = fields.Date(
        string="Observed Until",
        required=True,
        readonly=True,
        help="End of the period whose orders are compared.",
    )
    period_start = fields.Date(required=True, readonly=True)
    in_control = fields.Boolean(
        string="Control Group",
        readonly=True,
        help="Left uncontacted by the planner until the end of the period.",
    )

    _partner_period_unique = models.UniqueIndex(
        "(partner_id, period_start)",
        "A customer is drawn once per period.",
    )

    @api.model
    def _period_start(self, day, period_days):
        return PERIOD_EPOCH + timedelta(
            days=(day - PERIOD_EPOCH).days // period_days * period_days
        )

    @api.model
    def _draw_value(self, partner_id, period_start, seed):
        """A number in [0, 1) fixed by the customer, the period and the seed:
        the same draw on every run, independent from one customer to the
        next."""
        key = f"{partner_id}:{period_start.isoformat()}:{seed}".encode()
        digest = hashlib.sha256(key).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    @api.model
    def _planner_candidates(self, candidate_ids, today, write=True):
        """The planner's due customers without those left uncontacted in a
        control group. The due customers of the chosen tiers are drawn once
        per period (with ``write``, the draw is recorded and the customer
        marked); strategic customers and locked tiers are never drawn, nor a
        customer in the period after its time in the control group."""
        companies = (
            self.env["res.company"]
            .sudo()
            .search(
                [
                    ("followup_control_enabled", "=", True),
                    ("followup_control_tier_ids", "!=", False),
                ]
            )
        )
        if not candidate_ids:
            return candidate_ids
        if not companies:
            if write:
                # the control group was switched off: its customers are planned
                self.env["res.partner"].sudo().with_context(active_test=False).search(
                    [
                        ("id", "in", candidate_ids),
                        ("followup_control_until", "!=", False),
                    ]
                ).write({"followup_control_until": False})
            return candidate_ids
        partners = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .browse(candidate_ids)
        )
        partners.fetch(
            [
                "active",
                "company_id",
                "followup_tier_id",
                "followup_strategic",
                "followup_tier_locked",
                "followup_control_until",
            ]
        )
        current = self.env.company
        # {partner id: (company, period start, drawn if not observed)}: a
        # customer of another tier is not drawn, but a draw of the control
        # group still observed holds when its tier changed meanwhile
        eligible = {}
        for partner in partners:
            company = partner.company_id or current
            if (
                company in companies
                and partner.active
                and not partner.followup_strategic
                and not partner.followup_tier_locked
            ):
                eligible[partner.id] = (
                    company,
                    self._period_start(today, company.followup_control_days),
                    partner.followup_tier_id in company.followup_control_tier_ids,
                )
        # a customer's draw holds until the end of its observed period (the
        # draw's date plus the period's days), even when the epoch's next
        # period starts before: drawn again then, a customer in the control
        # group would be planned, and counted in both groups
        observed, rested = {}, set()
        for draw in self.sudo().search_fetch(
            [("partner_id", "in", list(eligible))],
            ["partner_id", "company_id", "period_start", "in_control", "date_to"],
        ):
            partner_id = draw.partner_id.id
            if draw.date_to >= today or draw.period_start == eligible[partner_id][1]:
                observed[partner_id] = observed.get(partner_id, False) or (
                    draw.in_control and draw.date_to >= today
                )
            if draw.in_control and draw.date_to < today <= draw.date_to + timedelta(
                days=draw.company_id.followup_control_days
            ):
                rested.add(partner_id)
        left_out, new_draws = set(), []
        for partner_id, (company, period_start, drawn) in eligible.items():
            if partner_id in observed:
                if observed[partner_id]:
                    left_out.add(partner_id)
                continue
            if not drawn or partner_id in rested:
                # just out of a control group: contacted for a period at least
                continue
            in_control = (
                self._draw_value(
                    partner_id, period_start, company.followup_control_seed
                )
                < company.followup_control_share / 100.0
            )
            if in_control:
                left_out.add(partner_id)
            new_draws.append(
                {
                    "partner_id": partner_id,
                    "company_id": company.id,
                    "tier_id": partners.browse(partner_id).followup_tier_id.id,
                    "date": today,
                    "date_to": today
                    + timedelta(days=company.followup_control_days - 1),
                    "period_start": period_start,
                    "in_control": in_control,
                }
            )
        if write:
            self._record_draws(partners, new_draws, left_out, today)
        return [pid for pid in candidate_ids if pid not in left_out]

    @api.model
    def _record_draws(self, partners, new_draws, left_out, today):
        """Record the new draws (a draw made meanwhile by another worker
        stays: it is the same draw) and mark the customers left out."""
        if new_draws:
            self.flush_model()
            uid = self.env.uid
            self.env.execute_query(
                SQL(
                    """
                    INSERT INTO customer_followup_control
                           (partner_id, company_id, tier_id, date, date_to,
                            period_start, in_control, create_uid, create_date,
                            write_uid, write_date)
                    SELECT draw.partner_id, draw.company_id, draw.tier_id,
                           draw.date, draw.date_to, draw.period_start,
                           draw.in_control, %(uid)s, %(now)s,
                           %(uid)s, %(now)s
                      FROM jsonb_to_recordset(%(draws)s::jsonb) AS draw(
                           partner_id int, company_id int, tier_id int,
                           date date, date_to date, period_start date,
                           in_control bool)
                        ON CONFLICT (partner_id, period_start) DO NOTHING
                    """,
                    uid=uid,
                    now=self.env.cr.now(),
                    draws=json.dumps(new_draws, default=str),
                )
            )
            self.invalidate_model()
        until = {
            draw["partner_id"]: draw["date_to"]
            for draw in new_draws
            if draw["in_control"]
        }
        for partner in partners:
            if partner.id in until:
                partner.followup_control_until = until[partner.id]
            elif partner.followup_control_until and partner.id not in left_out:
                # due again after its period in the control group
                partner.followup_control_until = False
