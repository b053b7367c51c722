from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    followup_window_months = fields.Integer(
        string="Follow-up Scoring Window (months)", default=24
    )
    followup_weight_recency = fields.Float(string="Recency Weight", default=30.0)
    followup_weight_frequency = fields.Float(string="Frequency Weight", default=25.0)
    followup_weight_monetary = fields.Float(string="Monetary Weight", default=25.0)
    followup_weight_margin = fields.Float(string="Margin Weight", default=20.0)
    followup_strategic_bonus = fields.Float(string="Strategic Bonus", default=30.0)
    followup_horizon_days = fields.Integer(
        string="Follow-up Planning Horizon (days)", default=7
    )
    followup_user_id = fields.Many2one(
        "res.users",
        string="Fallback Follow-up Salesperson",
        domain=[("share", "=", False)],
        help="Gets the planned follow-ups of customers without a salesperson.",
    )

    _followup_window_positive = models.Constraint(
        "CHECK(followup_window_months > 0)",
        "The follow-up scoring window must be at least one month.",
    )
    _followup_horizon_positive = models.Constraint(
        "CHECK(followup_horizon_days >= 0)",
        "The follow-up planning horizon cannot be negative.",
    )
    _followup_weights_positive = models.Constraint(
        "CHECK(followup_weight_recency >= 0 AND followup_weight_frequency >= 0 "
        "AND followup_weight_monetary >= 0 AND followup_weight_margin >= 0 "
        "AND followup_strategic_bonus >= 0)",
        "Follow-up score weights and the strategic bonus cannot be negative.",
    )
