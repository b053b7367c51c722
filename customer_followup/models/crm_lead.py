from odoo import fields, models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "customer.touchpoint.mixin"]

    _touchpoint_link_field = "lead_id"
    _touchpoint_dialog_key = "lead"

    touchpoint_ids = fields.One2many(
        "customer.touchpoint", "lead_id", string="Touchpoints"
    )
    touchpoint_count = fields.Integer(compute="_compute_touchpoint_count")
