from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .value_range import MaxLength, ValueRange


class CustomerTier(models.Model):
    _name = "customer.tier"
    _inherit = ["customer.followup.guard"]
    _description = "Customer Tier"
    _order = "sequence, min_score desc, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code shown in lists, e.g. A.")
    sequence = fields.Integer(default=10)
    min_score = fields.Float(
        string="Minimum Score",
        required=True,
        default=0.0,
        help="A customer gets the best tier (highest minimum score) whose minimum "
        "score it reaches.",
    )
    cadence_days = fields.Integer(
        string="Cadence (days)",
        required=True,
        default=0,
        help="Longest gap allowed between two touchpoints. 0: no planned contact.",
    )
    touchpoint_type_id = fields.Many2one(
        "customer.touchpoint.type",
        string="Planned Contact",
        ondelete="set null",
        help="Contact the follow-up planner schedules for customers of this tier. "
        "Empty: customers of this tier are not followed up.",
    )
    cadence_contact_type_id = fields.Many2one(
        "customer.touchpoint.type",
        string="Lightest Contact That Counts",
        ondelete="set null",
        help="A contact keeps this tier's cadence when it weighs at least as much "
        "as this type; lighter contacts still add their points. Empty: the "
        "planned contact. Choose the letter for a tier whose personal letters "
        "stand in for visits.",
    )
    cadence_min_weight = fields.Float(
        string="Weight That Counts",
        compute="_compute_cadence_min_weight",
        store=True,
        help="Minimum weight of a contact that keeps the cadence.",
    )
    yearly_points_target = fields.Float(
        required=True,
        default=0.0,
        help="Weighted touchpoint points each customer of this tier should get "
        "per year.",
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)
    partner_count = fields.Integer(compute="_compute_partner_count")

    _code_length = MaxLength("code", 16)
    _name_length = MaxLength("name", 128)
    _code_unique = models.UniqueIndex(
        "(code) WHERE active", "The code of an active tier must be unique."
    )
    _min_score_range = ValueRange("min_score", 0.0, 100.0)
    _cadence_range = ValueRange("cadence_days", 0, 3660)
    _yearly_points_target_range = ValueRange("yearly_points_target", 0.0, 10000.0)
    _sequence_range = ValueRange("sequence", 0, 1000000)
    _color_range = ValueRange("color", 0, 11)

    @api.constrains("cadence_days", "touchpoint_type_id")
    def _check_cadence(self):
        for tier in self:
            if tier.touchpoint_type_id and not tier.cadence_days:
                raise ValidationError(
                    self.env._(
                        "The tier “%(name)s” plans a contact: give it a cadence.",
                        name=tier.name,
                    )
                )

    @api.depends(
        "cadence_contact_type_id.weight", "touchpoint_type_id.weight", "cadence_days"
    )
    def _compute_cadence_min_weight(self):
        for tier in self:
            contact = tier.cadence_contact_type_id or tier.touchpoint_type_id
            tier.cadence_min_weight = contact.weight if tier.cadence_days else 0.0

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("followup_tier_id", "in", self.ids)],
                ["followup_tier_id"],
                ["__count"],
            )
        )
        for tier in self:
            tier.partner_count = counts.get(tier._origin, 0)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for tier in self:
            tier.display_name = (
                f"{tier.code} - {tier.name}" if tier.code and tier.name else tier.name
            )

    def action_view_partners(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.action_followup_customers"
        )
        action["domain"] = [("followup_tier_id", "=", self.id)]
        return action
