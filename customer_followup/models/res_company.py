from odoo import api, fields, models

from .product_consumable_rule import DELIVERIES, DELIVERY_DEFAULT_TYPES
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
    followup_suggestion_min_share = fields.Integer(
        string="Share of Buyers for a Rule Suggestion (%)",
        required=True,
        default=30,
        help="A part is suggested as a replacement rule of a durable product "
        "when at least this share of the product's buyers bought it later.",
    )
    followup_user_id = fields.Many2one(
        "res.users",
        string="Fallback Follow-up Salesperson",
        domain=[("share", "=", False)],
        help="Gets the planned follow-ups of customers without a salesperson.",
    )
    followup_attribution_days = fields.Integer(
        string="Attribution Window (days)",
        required=True,
        default=30,
        help="The confirmed orders of a customer within this many days after a "
        "contact are credited to it in the effect report.",
    )
    followup_control_enabled = fields.Boolean(
        string="Control Group",
        help="The planner leaves a share of the due customers of the chosen "
        "tiers uncontacted for a period, drawn at random, to measure what the "
        "contacts bring. Never strategic customers or customers with a locked "
        "tier.",
    )
    followup_control_share = fields.Float(
        string="Control Group Share (%)",
        required=True,
        default=5.0,
        help="Share of the due customers of the chosen tiers left uncontacted.",
    )
    followup_control_days = fields.Integer(
        string="Control Period (days)",
        required=True,
        default=90,
        help="How long a customer drawn into the control group is left "
        "uncontacted; the draw is made once per period of this length.",
    )
    followup_control_tier_ids = fields.Many2many(
        "customer.tier",
        "res_company_followup_control_tier_rel",
        "company_id",
        "tier_id",
        string="Control Group Tiers",
    )
    followup_control_seed = fields.Integer(
        string="Control Group Seed",
        required=True,
        default=1,
        help="The same seed draws the same customers for the same period; "
        "another seed draws others.",
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
    followup_reorder_delivery = fields.Selection(
        DELIVERIES,
        string="Reorder Reminder Channel",
        required=True,
        default="mail",
        help="How customers are reminded to reorder a replenishable product.",
    )
    followup_reorder_touchpoint_type_id = fields.Many2one(
        "customer.touchpoint.type",
        string="Reorder Reminder Touchpoint Type",
        ondelete="set null",
        default=lambda self: self.env.ref(
            DELIVERY_DEFAULT_TYPES["mail"], raise_if_not_found=False
        ),
        help="The contact the reorder reminder logs; empty: the channel's usual one.",
    )
    followup_reorder_lead_days = fields.Integer(
        string="Reorder Reminder Lead Time (days)",
        required=True,
        default=7,
        help="How many days before the expected reorder date the customer is reminded.",
    )
    followup_reorder_window_days = fields.Integer(
        string="Reorder Reminder Window (days)",
        required=True,
        default=60,
        help="How long after the expected reorder date the reminder still "
        "counts; after it, the reminder expires.",
    )
    followup_reminder_group_days = fields.Integer(
        string="Group Reminders Due Within (days)",
        required=True,
        default=14,
        help="A customer whose replacement or reorder reminder is due gets "
        "one quotation and one reminder for all their parts due within this "
        "many days; 0 groups only the reminders due the same day.",
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
    _followup_suggestion_min_share_range = ValueRange(
        "followup_suggestion_min_share", 1, 100
    )
    _followup_portal_registrations_range = ValueRange(
        "followup_portal_registrations_per_day", 1, 100
    )
    _followup_attribution_days_range = ValueRange("followup_attribution_days", 1, 365)
    _followup_control_share_range = ValueRange("followup_control_share", 0.5, 50.0)
    _followup_control_days_range = ValueRange("followup_control_days", 7, 365)
    _followup_control_seed_range = ValueRange("followup_control_seed", 0, 999999)
    _followup_reorder_lead_days_range = ValueRange("followup_reorder_lead_days", 0, 365)
    _followup_reorder_window_days_range = ValueRange(
        "followup_reorder_window_days", 0, 730
    )
    _followup_reminder_group_days_range = ValueRange(
        "followup_reminder_group_days", 0, 90
    )

    @api.model
    def _followup_populate_demo(self):
        """The demo shop's story (demo data only: the generator lives in
        demo/ and is not loaded otherwise)."""
        from ..demo.shop import DemoShop  # noqa: PLC0415 pylint: disable=import-outside-toplevel

        DemoShop(self.env).populate()

    def write(self, vals):
        result = super().write(vals)
        if "followup_attribution_days" in vals:
            cron = self.env.ref(
                "customer_followup.ir_cron_refresh_effect_report",
                raise_if_not_found=False,
            )
            if cron:
                cron.sudo()._trigger()
        return result
