from odoo import models
from odoo.exceptions import UserError


class MailActivity(models.Model):
    """A call marked done from the chatter opens the outcome dialog."""

    _inherit = "mail.activity"

    def action_followup_log_outcome(self):
        self.ensure_one()
        self.check_access("write")
        partner = self._followup_touchpoint_links()[0]
        if not partner:
            raise UserError(
                self.env._("This activity is not about a customer: mark it done.")
            )
        return self.env["customer.followup.call.outcome.wizard"]._action_open(
            partner.commercial_partner_id, self
        )
