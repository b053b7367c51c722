from odoo import models
from odoo.exceptions import UserError


class CustomerTouchpointMixin(models.AbstractModel):
    """Smart button and "Log touchpoint" for documents about a customer
    (sale orders, CRM leads). Inheriting models define ``touchpoint_ids``,
    ``touchpoint_count`` and ``_touchpoint_link_field``."""

    _name = "customer.touchpoint.mixin"
    _description = "Touchpoint Link Mixin"

    _touchpoint_link_field = None
    _touchpoint_dialog_key = None

    def _compute_touchpoint_count(self):
        field = self._touchpoint_link_field
        counts = dict(
            self.env["customer.touchpoint"]._read_group(
                [(field, "in", self.ids)], [field], ["__count"]
            )
        )
        for record in self:
            record.touchpoint_count = counts.get(record._origin, 0)

    def action_view_touchpoints(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.action_customer_touchpoint"
        )
        action["domain"] = [(self._touchpoint_link_field, "=", self.id)]
        action["context"] = {
            "default_partner_id": self.partner_id.commercial_partner_id.id,
            f"default_{self._touchpoint_link_field}": self.id,
        }
        return action

    def action_log_touchpoint(self):
        self.ensure_one()
        self.check_access("read")
        self.env["customer.touchpoint"].check_access("create")
        if not self.partner_id:
            raise UserError(self.env._("Set a customer before logging a touchpoint."))
        return self.env["customer.touchpoint"]._action_log_dialog(
            partner=self.partner_id.commercial_partner_id,
            contact=self.partner_id,
            **{self._touchpoint_dialog_key: self},
        )
