from odoo import fields, models

from .value_range import ValueRange


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "customer.followup.guard"]

    followup_window_months = fields.Integer(
        string="Follow-up Scoring Window (months)", required=True, default=24
    )
    followup_weight_recency = fields.Float(
        string="Recency Weight", required=True, default=30.0
    )
    followup_weight_frequency = fields.Float(
        string="Frequency Weight", required=True, default=25.0
    )
    followup_weight_monetary = fields.Float(
        string="Monetary Weight", required=True, default=25.0
    )
    followup_weight_margin = fields.Float(
        string="Margin Weight", required=True, default=20.0
    )
    followup_strategic_bonus = fields.Float(
        string="Strategic Bonus", required=True, default=30.0
    )
    followup_horizon_days = fields.Integer(
        string="Follow-up Planning Horizon (days)", required=True, default=7
    )
    followup_inbound_counts = fields.Boolean(
        string="Customers' Contacts Keep the Cadence",
        help="A reply, an order or a signature of the customer counts as a "
        "contact for the tier's cadence. Off: only the contacts made by the "
        "company keep it; the customer's own still show as last contact.",
    )
    followup_confirm_portal_registrations = fields.Boolean(
        string="Confirm Products Registered in the Portal",
        default=True,
        help="A product a customer registers in the portal without having bought "
        "it from the company gets no reminder until its salesperson confirms it.",
    )
    followup_portal_registrations_per_day = fields.Integer(
        string="Portal Registrations per Customer and Day",
        required=True,
        default=5,
    )
    followup_capture_chatter = fields.Boolean(
        string="Log Emails Written from the Chatter",
        default=True,
        help="An email written to a customer from the chatter of the customer, "
        "its contacts, quotations, orders or opportunities logs an email "
        "touchpoint by its author.",
    )
    followup_capture_replies = fields.Boolean(
        string="Log Customers' Replies",
        default=True,
        help="A customer's reply, by email or in the portal, logs a touchpoint "
        "by the customer (one a day per document).",
    )
    followup_capture_portal = fields.Boolean(
        string="Log Portal Signatures",
        default=True,
        help="A quotation signed in the portal logs a touchpoint by the customer.",
    )
    followup_user_id = fields.Many2one(
        "res.users",
        string="Fallback Follow-up Salesperson",
        domain=[("share", "=", False)],
        help="Gets the planned follow-ups of customers without a salesperson.",
    )
    followup_hagaki_paper = fields.Selection(
        [
            ("official", "Official postcards"),
            ("plain", "Plain card"),
        ],
        string="Postcard Paper",
        required=True,
        default="official",
        help="Official postcards have the red postal code frames and the stamp "
        "printed: the address side leaves them untouched. On plain card the "
        "address side draws the frames and a box for the stamp.",
    )

    _followup_window_range = ValueRange("followup_window_months", 1, 120)
    _followup_weight_recency_range = ValueRange("followup_weight_recency", 0.0, 100.0)
    _followup_weight_frequency_range = ValueRange(
        "followup_weight_frequency", 0.0, 100.0
    )
    _followup_weight_monetary_range = ValueRange("followup_weight_monetary", 0.0, 100.0)
    _followup_weight_margin_range = ValueRange("followup_weight_margin", 0.0, 100.0)
    _followup_strategic_bonus_range = ValueRange("followup_strategic_bonus", 0.0, 100.0)
    _followup_horizon_range = ValueRange("followup_horizon_days", 0, 365)
    _followup_portal_registrations_range = ValueRange(
        "followup_portal_registrations_per_day", 1, 100
    )
