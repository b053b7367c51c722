from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    followup_tz = fields.Selection(related="company_id.followup_tz", readonly=False)
    followup_window_months = fields.Integer(
        related="company_id.followup_window_months", readonly=False
    )
    followup_weight_recency = fields.Float(
        related="company_id.followup_weight_recency", readonly=False
    )
    followup_weight_frequency = fields.Float(
        related="company_id.followup_weight_frequency", readonly=False
    )
    followup_weight_monetary = fields.Float(
        related="company_id.followup_weight_monetary", readonly=False
    )
    followup_weight_margin = fields.Float(
        related="company_id.followup_weight_margin", readonly=False
    )
    followup_strategic_bonus = fields.Float(
        related="company_id.followup_strategic_bonus", readonly=False
    )
    followup_horizon_days = fields.Integer(
        related="company_id.followup_horizon_days", readonly=False
    )
    followup_inbound_counts = fields.Boolean(
        related="company_id.followup_inbound_counts", readonly=False
    )
    followup_confirm_portal_registrations = fields.Boolean(
        related="company_id.followup_confirm_portal_registrations", readonly=False
    )
    followup_portal_registrations_per_day = fields.Integer(
        related="company_id.followup_portal_registrations_per_day", readonly=False
    )
    followup_capture_chatter = fields.Boolean(
        related="company_id.followup_capture_chatter", readonly=False
    )
    followup_capture_replies = fields.Boolean(
        related="company_id.followup_capture_replies", readonly=False
    )
    followup_capture_portal = fields.Boolean(
        related="company_id.followup_capture_portal", readonly=False
    )
    followup_user_id = fields.Many2one(
        related="company_id.followup_user_id", readonly=False
    )
    followup_attribution_days = fields.Integer(
        related="company_id.followup_attribution_days", readonly=False
    )
    followup_control_enabled = fields.Boolean(
        related="company_id.followup_control_enabled", readonly=False
    )
    followup_control_share = fields.Float(
        related="company_id.followup_control_share", readonly=False
    )
    followup_control_days = fields.Integer(
        related="company_id.followup_control_days", readonly=False
    )
    followup_control_tier_ids = fields.Many2many(
        related="company_id.followup_control_tier_ids", readonly=False
    )
    followup_control_seed = fields.Integer(
        related="company_id.followup_control_seed", readonly=False
    )
    followup_hagaki_paper = fields.Selection(
        related="company_id.followup_hagaki_paper", readonly=False
    )
    followup_margin_available = fields.Boolean(compute="_compute_followup_margin")

    def _compute_followup_margin(self):
        self.followup_margin_available = "margin" in self.env["sale.order"]._fields

    followup_suggestion_min_share = fields.Integer(
        related="company_id.followup_suggestion_min_share", readonly=False
    )
    followup_reorder_delivery = fields.Selection(
        related="company_id.followup_reorder_delivery", readonly=False
    )
    followup_reorder_touchpoint_type_id = fields.Many2one(
        related="company_id.followup_reorder_touchpoint_type_id", readonly=False
    )
    followup_reorder_lead_days = fields.Integer(
        related="company_id.followup_reorder_lead_days", readonly=False
    )
    followup_reminder_group_days = fields.Integer(
        related="company_id.followup_reminder_group_days", readonly=False
    )
    followup_reorder_window_days = fields.Integer(
        related="company_id.followup_reorder_window_days", readonly=False
    )
