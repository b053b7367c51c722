# Copyright 2026 customer_followup contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter

from odoo import api, fields, models


class CustomerFollowupLedger(models.AbstractModel):
    """What the salespeople's monthly capacities and the contact types'
    yearly budgets have used: the planner's follow-ups (open or done) and the
    campaigns' pieces (planned or done). The one count the planner, the
    campaigns, the workload preview and the overview read."""

    _name = "customer.followup.ledger"
    _description = "Follow-up Capacity and Budget Ledger"

    @api.model
    def _capacity_used(self, user_ids, type_ids, first, last):
        """{(salesperson id, touchpoint type id, day): count} of the contacts
        counted against the salespeople's monthly capacity from ``first`` to
        ``last``: planned follow-ups by their planned day, open or done, and
        the campaigns' personal pieces (cards, letters, calls and visits of
        the salesperson) by their planned day, planned or done."""
        used = Counter()
        if not user_ids or not type_ids:
            return used
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [
                    ("followup_planned", "=", True),
                    ("user_id", "in", list(user_ids)),
                    ("followup_touchpoint_type_id", "in", list(type_ids)),
                    ("followup_plan_date", ">=", first),
                    ("followup_plan_date", "<=", last),
                ],
                ["user_id", "followup_touchpoint_type_id", "followup_plan_date:day"],
                ["__count"],
            )
        )
        pieces = (
            self.env["customer.followup.campaign.piece"]
            .sudo()
            ._read_group(
                [
                    ("kind", "=", "personal"),
                    ("state", "in", ("planned", "done")),
                    ("user_id", "in", list(user_ids)),
                    ("touchpoint_type_id", "in", list(type_ids)),
                    ("plan_date", ">=", first),
                    ("plan_date", "<=", last),
                ],
                ["user_id", "touchpoint_type_id", "plan_date:day"],
                ["__count"],
            )
        )
        for user, touchpoint_type, day, count in activities + pieces:
            used[(user.id, touchpoint_type.id, fields.Date.to_date(day))] += count
        return used

    @api.model
    def _budget_used(self, company, touchpoint_types, year, campaign=None):
        """{touchpoint type id: count} of the contacts of ``touchpoint_types``
        counted against their yearly budget in ``year`` for ``company``: the
        campaigns' pieces sent that year, planned or done (a piece counts in
        the year of its send date: New Year cards written in December count
        next year), and the planner's follow-ups planned that year. The pieces
        of ``campaign`` are left out (it counts its own plan), but for its
        earlier anniversaries."""
        used = Counter()
        if not touchpoint_types:
            return used
        first = fields.Date.to_date(f"{year}-01-01")
        last = fields.Date.to_date(f"{year}-12-31")
        piece_domain = [
            ("touchpoint_type_id", "in", touchpoint_types.ids),
            ("company_id", "=", company.id),
            ("state", "in", ("planned", "done")),
            ("send_date", ">=", first),
            ("send_date", "<=", last),
        ]
        if campaign:
            piece_domain += [
                "|",
                ("campaign_id", "!=", campaign.id),
                ("campaign_id.timing", "=", "anniversary"),
            ]
        for touchpoint_type, count in (
            self.env["customer.followup.campaign.piece"]
            .sudo()
            ._read_group(piece_domain, ["touchpoint_type_id"], ["__count"])
        ):
            used[touchpoint_type.id] += count
        for touchpoint_type, count in (
            self.env["mail.activity"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [
                    ("followup_planned", "=", True),
                    ("followup_touchpoint_type_id", "in", touchpoint_types.ids),
                    ("user_id.company_id", "=", company.id),
                    ("followup_plan_date", ">=", first),
                    ("followup_plan_date", "<=", last),
                ],
                ["followup_touchpoint_type_id"],
                ["__count"],
            )
        ):
            used[touchpoint_type.id] += count
        return used
