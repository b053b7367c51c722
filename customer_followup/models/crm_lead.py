from odoo import fields, models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = [
        "crm.lead",
        "customer.touchpoint.mixin",
        "customer.touchpoint.capture",
    ]

    _touchpoint_link_field = "lead_id"
    _touchpoint_dialog_key = "lead"

    touchpoint_ids = fields.One2many(
        "customer.touchpoint", "lead_id", string="Touchpoints"
    )
    touchpoint_count = fields.Integer(compute="_compute_touchpoint_count")

    def _message_post_after_hook(self, message, msg_values):
        res = super()._message_post_after_hook(message, msg_values)
        self._followup_capture_message(message, msg_values)
        return res

    def _followup_capture_links(self):
        return {"sale_order_id": False, "lead_id": self.id}
