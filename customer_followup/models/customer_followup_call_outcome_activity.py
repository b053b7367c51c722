from odoo import api, fields, models
from odoo.exceptions import UserError

from .customer_followup_call_outcome_touchpoint import OUTCOME_CHANNELS

# the records whose activities log a touchpoint when done
FOLLOWUP_MODELS = ("res.partner", "sale.order", "crm.lead")


class MailActivity(models.Model):
    """A call or a visit marked done from the chatter or the activities asks
    its outcome (*Log Outcome* in the *Mark Done* popover). Marked *Done*
    without it, the contact is logged without an outcome and counts like
    any contact made: the activity was done."""

    _inherit = "mail.activity"

    followup_asks_outcome = fields.Boolean(
        string="Asks the Outcome",
        compute="_compute_followup_asks_outcome",
        help="A call or a visit of a customer, a quotation or an opportunity: "
        "marking it done asks what came of it.",
    )

    @api.depends("activity_type_id", "res_model")
    def _compute_followup_asks_outcome(self):
        types = (
            self.env["customer.touchpoint.type"]
            .sudo()
            .search(
                [
                    ("channel", "in", OUTCOME_CHANNELS),
                    ("activity_type_id", "in", self.activity_type_id.ids),
                ]
            )
        )
        asking = set(types.activity_type_id.ids)
        for activity in self:
            activity.followup_asks_outcome = (
                activity.res_model in FOLLOWUP_MODELS
                and activity.activity_type_id.id in asking
            )

    def _to_store_defaults(self, target):
        return [*super()._to_store_defaults(target), "followup_asks_outcome"]

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
