from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.customer_followup_call_outcome_touchpoint import OUTCOME_CHANNELS
from ..models.customer_touchpoint import SUMMARY_LENGTH
from ..models.value_range import DATE_MAX, DATE_MIN, MaxLength, ValueRange


class CustomerFollowupCallOutcomeWizard(models.TransientModel):
    """Log a call or a visit with its outcome: the activity it completes is
    marked done, the touchpoint keeps the outcome, the next step follows,
    and an opt-out or archiving is proposed when the outcome says so."""

    _name = "customer.followup.call.outcome.wizard"
    _inherit = ["customer.followup.guard"]
    _description = "Log a Call or Visit"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, readonly=True
    )
    activity_id = fields.Many2one("mail.activity", readonly=True)
    type_id = fields.Many2one(
        "customer.touchpoint.type",
        "Contact",
        required=True,
        default=lambda self: self.env["customer.touchpoint.type"]._for_channel("call"),
        domain=[("channel", "in", OUTCOME_CHANNELS)],
    )
    outcome_id = fields.Many2one("customer.followup.call.outcome")
    next_step = fields.Selection(related="outcome_id.next_step")
    callback_date = fields.Date("Call Back On")
    summary = fields.Char()
    feedback = fields.Html(
        help="What the customer said: how the product is used, what should improve."
    )
    touchpoint_id = fields.Many2one("customer.touchpoint", readonly=True)
    proposal = fields.Selection(
        [("opt_out", "Opt-out"), ("archive", "Archive")], readonly=True
    )
    proposal_text = fields.Char(readonly=True)

    _summary_length = MaxLength("summary", SUMMARY_LENGTH)
    _callback_date_range = ValueRange("callback_date", DATE_MIN, DATE_MAX)

    @api.model
    def _action_open(self, partner, activity=None):
        """The wizard for a contact with ``partner``, completing ``activity``."""
        touchpoint_type = self.env["customer.touchpoint.type"]
        if activity:
            touchpoint_type = touchpoint_type._for_activity_type(
                activity.activity_type_id
            )
        if touchpoint_type.channel not in OUTCOME_CHANNELS:
            touchpoint_type = touchpoint_type._for_channel("call")
        wizard = self.create(
            {
                "partner_id": partner.commercial_partner_id.id,
                "activity_id": activity.id if activity else False,
                "type_id": touchpoint_type.id,
                "summary": activity.summary if activity else False,
            }
        )
        return wizard._action_reopen()

    def _action_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call or Visit"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def action_log(self):
        self.ensure_one()
        self.check_access("write")
        if not self.outcome_id:
            raise UserError(self.env._("What came of the contact? Choose its outcome."))
        asked = {
            "outcome_id": self.outcome_id.id,
            "callback_date": self.callback_date,
        }
        activity = self.activity_id.exists()
        if activity:
            activity.with_context(followup_call_outcome=asked).action_feedback(
                feedback=self.feedback or False
            )
            touchpoint = self.env["customer.touchpoint"].search(
                [("activity_id", "=", activity.id)], limit=1
            )
            if touchpoint and not touchpoint.outcome_id:
                touchpoint.write(asked)
            touchpoint._followup_apply_outcomes()
        else:
            touchpoint = self.env["customer.touchpoint"].create(
                {
                    "partner_id": self.partner_id.id,
                    "type_id": self.type_id.id,
                    "summary": self.summary or self.type_id.name,
                    "feedback": self.feedback or False,
                    "origin": "manual",
                    **asked,
                }
            )
        self.touchpoint_id = touchpoint
        proposal, text = (
            touchpoint._followup_outcome_proposal() if touchpoint else (False, False)
        )
        if not proposal:
            return {"type": "ir.actions.act_window_close"}
        self.write({"proposal": proposal, "proposal_text": text})
        return self._action_reopen()

    def action_apply_proposal(self):
        self.ensure_one()
        self.check_access("write")
        self.touchpoint_id._followup_apply_proposal(self.proposal)
        return {"type": "ir.actions.act_window_close"}
