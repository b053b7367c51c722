# One model, one file per concept (see the base model's file).
# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict

from odoo import api, fields, models
from odoo.fields import Domain


class ResPartner(models.Model):
    """The cadence of a customer: the last contact, the last contact that
    counts for the tier, the next follow-up date it gives and the follow-up
    status (overdue, due soon, on track) in the shop's day."""

    _inherit = "res.partner"

    last_touchpoint_date = fields.Datetime(
        string="Last Contact",
        compute="_compute_last_touchpoint_date",
        store=True,
        compute_sudo=True,
        help="Date of the latest touchpoint with this customer, by us or by "
        "the customer.",
    )

    last_cadence_contact_date = fields.Datetime(
        string="Last Contact That Counts",
        compute="_compute_last_cadence_contact_date",
        store=True,
        compute_sudo=True,
        help="Date of the latest contact that keeps the tier's cadence: made by "
        "us and weighing at least the tier's contact that counts (the "
        "customer's own contacts only where the settings say so).",
    )

    next_followup_date = fields.Date(
        string="Next Follow-up",
        compute="_compute_next_followup_date",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Last contact that counts plus the cadence of the tier; the day "
        "the tier was set for a customer without such a contact.",
    )

    followup_status = fields.Selection(
        [
            ("on_track", "On Track"),
            ("due_soon", "Due Soon"),
            ("overdue", "Overdue"),
            ("none", "Not Followed"),
        ],
        string="Follow-up Status",
        compute="_compute_followup_status",
        search="_search_followup_status",
    )

    @api.depends("touchpoint_ids.date")
    def _compute_last_touchpoint_date(self):
        partners = self.filtered("id")
        last_dates = dict(
            self.env["customer.touchpoint"]._read_group(
                [("partner_id", "in", partners.ids)], ["partner_id"], ["date:max"]
            )
        )
        for partner in self:
            partner.last_touchpoint_date = last_dates.get(partner._origin)

    @api.depends(
        "touchpoint_ids.date",
        "touchpoint_ids.weight",
        "touchpoint_ids.direction",
        "touchpoint_ids.company_id.followup_inbound_counts",
        "touchpoint_ids.outcome_id.counts_as_contact",
        "followup_tier_id.cadence_min_weight",
        "followup_no_visit",
        "followup_no_call",
        "followup_no_postal",
        "email",
    )
    def _compute_last_cadence_contact_date(self):
        partners = self.filtered("id")
        planner = self.env["customer.followup.planner"]
        types_by_channel = None
        by_weight = defaultdict(list)
        for partner in partners:
            tier = partner.followup_tier_id
            min_weight = tier.cadence_min_weight
            contact = tier.touchpoint_type_id
            if contact and partner._followup_blocked_reason(contact.channel):
                # the customer refuses the planned contact: the one the
                # planner plans instead keeps the cadence (none: any contact)
                if types_by_channel is None:
                    types_by_channel = planner._types_by_channel()
                allowed, _note = planner._resolve_touchpoint_type(
                    partner, contact, types_by_channel
                )
                min_weight = min(min_weight, allowed.weight if allowed else 0.0)
            by_weight[min_weight].append(partner.id)
        last_dates = {}
        for min_weight, partner_ids in by_weight.items():
            last_dates.update(
                self.env["customer.touchpoint"]._read_group(
                    Domain("partner_id", "in", partner_ids)
                    & Domain("weight", ">=", min_weight)
                    & (
                        Domain("direction", "=", "outbound")
                        | Domain("company_id.followup_inbound_counts", "=", True)
                    )
                    & (
                        Domain("outcome_id", "=", False)
                        | Domain("outcome_id.counts_as_contact", "=", True)
                    ),
                    ["partner_id"],
                    ["date:max"],
                )
            )
        for partner in self:
            partner.last_cadence_contact_date = last_dates.get(partner._origin)

    @api.depends("last_cadence_contact_date", "followup_tier_id.cadence_days")
    def _compute_next_followup_date(self):
        for partner in self:
            shop = partner.company_id
            cadence = partner.followup_tier_id.cadence_days
            if not cadence:
                partner.next_followup_date = False
            elif partner.last_cadence_contact_date:
                partner.next_followup_date = fields.Date.add(
                    shop._followup_date(partner.last_cadence_contact_date),
                    days=cadence,
                )
            else:
                partner.next_followup_date = shop._followup_today()

    def _followup_horizon_date(self, today=None):
        today = today or self.env.company._followup_today()
        return fields.Date.add(today, days=self.env.company.followup_horizon_days)

    @api.depends("next_followup_date", "followup_tier_id.touchpoint_type_id")
    @api.depends_context("company")
    def _compute_followup_status(self):
        today = self.env.company._followup_today()
        horizon = self._followup_horizon_date(today)
        for partner in self:
            date = partner.next_followup_date
            if not date or not partner.followup_tier_id.touchpoint_type_id:
                partner.followup_status = "none"
            elif date < today:
                partner.followup_status = "overdue"
            elif date <= horizon:
                partner.followup_status = "due_soon"
            else:
                partner.followup_status = "on_track"

    def _search_followup_status(self, operator, value):
        if operator != "in":
            return NotImplemented
        today = self.env.company._followup_today()
        horizon = self._followup_horizon_date(today)
        followed = Domain("next_followup_date", "!=", False) & Domain(
            "followup_tier_id.touchpoint_type_id", "!=", False
        )
        domains = {
            "overdue": followed & Domain("next_followup_date", "<", today),
            "due_soon": followed
            & Domain("next_followup_date", ">=", today)
            & Domain("next_followup_date", "<=", horizon),
            "on_track": followed & Domain("next_followup_date", ">", horizon),
            "none": ~followed,
        }
        return Domain.OR(domains[v] for v in value if v in domains)
