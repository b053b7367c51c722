from odoo import fields, models

from .value_range import ValueRange


class CustomerFollowupCampaignLine(models.Model):
    """How a campaign reaches the customers of one tier."""

    _name = "customer.followup.campaign.line"
    _inherit = ["customer.followup.guard"]
    _description = "Campaign Channel per Tier"
    _order = "sequence, id"

    campaign_id = fields.Many2one(
        "customer.followup.campaign", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    tier_id = fields.Many2one(
        "customer.tier",
        ondelete="cascade",
        help="Customers of this tier get the contact of this line. Empty: the "
        "customers of the tiers without a line of their own (and those without "
        "a tier).",
    )
    touchpoint_type_id = fields.Many2one(
        "customer.touchpoint.type",
        string="Contact",
        required=True,
        ondelete="restrict",
        help="The contact the customers of the tier deserve: a handwritten "
        "postcard, a personal letter, a call or a visit is an activity for the "
        "customer's salesperson, printed mail goes into the printable batch and "
        "email into the campaign's mailing.",
    )
    company_id = fields.Many2one(related="campaign_id.company_id", store=True)

    _sequence_range = ValueRange("sequence", 0, 1000000)
    _tier_unique = models.UniqueIndex(
        "(campaign_id, COALESCE(tier_id, 0))",
        "A campaign has one line per tier.",
    )
