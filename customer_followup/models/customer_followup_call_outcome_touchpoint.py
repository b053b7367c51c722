from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from .value_range import DATE_MAX, DATE_MIN, ValueRange

# the channels whose contacts are logged with an outcome
OUTCOME_CHANNELS = ("call", "visit")
# the opt-out proposed to a customer not interested in a contact by channel
OPT_OUT_FIELDS = {"call": "followup_no_call", "visit": "followup_no_visit"}


class CustomerTouchpoint(models.Model):
    """The outcome of a call or visit on its touchpoint, and what follows:
    a call back, another try, the next allowed contact after unanswered
    tries, or a proposal (opt-out, archiving) the salesperson confirms."""

    _inherit = "customer.touchpoint"

    outcome_id = fields.Many2one(
        "customer.followup.call.outcome",
        index="btree_not_null",
        ondelete="restrict",
        help="What came of the call or visit; it decides whether the contact "
        "keeps the cadence and what follows.",
    )
    callback_date = fields.Date(
        string="Call Back On",
        help="The day the customer asked to be called back.",
    )
    outcome_asked = fields.Boolean(
        compute="_compute_outcome_asked",
        help="Whether this contact is logged with its outcome (calls and visits).",
    )

    _callback_date_range = ValueRange("callback_date", DATE_MIN, DATE_MAX)

    @api.depends("type_id.channel")
    def _compute_outcome_asked(self):
        for touchpoint in self:
            touchpoint.outcome_asked = touchpoint.type_id.channel in OUTCOME_CHANNELS

    @api.constrains("outcome_id", "callback_date")
    def _check_callback_date(self):
        for touchpoint in self:
            if touchpoint.outcome_id.next_step != "call_back":
                continue
            day = touchpoint.company_id._followup_date(touchpoint.date)
            if not touchpoint.callback_date or touchpoint.callback_date <= day:
                raise ValidationError(
                    self.env._(
                        "%(outcome)s: give the day to call back, after the "
                        "day of the contact.",
                        outcome=touchpoint.outcome_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        # the outcome asked when an activity is marked done (see the outcome
        # wizard) reaches the touchpoint the activity logs
        asked = self.env.context.get("followup_call_outcome")
        if asked:
            for vals in vals_list:
                if vals.get("activity_id") and not vals.get("outcome_id"):
                    vals.update(asked)
        touchpoints = super().create(vals_list)
        # an activity is still open while its touchpoint is logged: its
        # next step follows once it is done (the wizard applies it)
        touchpoints.filtered(
            lambda t: t.outcome_id and not t.activity_id
        )._followup_apply_outcomes()
        return touchpoints

    def _followup_apply_outcomes(self):
        for touchpoint in self.filtered("outcome_id"):
            step = touchpoint.outcome_id.next_step
            if step == "call_back":
                touchpoint._followup_schedule(
                    touchpoint.type_id,
                    touchpoint.callback_date,
                    self.env._(
                        "Call back: %(outcome)s", outcome=touchpoint.outcome_id.name
                    ),
                )
            elif step == "retry":
                touchpoint._followup_retry()

    def _followup_unanswered_tries(self):
        """The contacts of the same channel in a row, up to this one, that
        nobody answered (since the last contact with any other outcome)."""
        self.ensure_one()
        Touchpoint = self.sudo().with_context(active_test=False)
        other = Touchpoint.search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("direction", "=", "outbound"),
                ("date", "<=", self.date),
                "|",
                ("outcome_id", "=", False),
                ("outcome_id.next_step", "!=", "retry"),
            ],
            limit=1,
        )
        domain = [
            ("partner_id", "=", self.partner_id.id),
            ("channel", "=", self.channel),
            ("outcome_id.next_step", "=", "retry"),
            ("date", "<=", self.date),
        ]
        if other:
            domain.append(("date", ">", other.date))
        return Touchpoint.search_count(domain)

    def _followup_retry(self):
        """Nobody answered: the same contact again after the outcome's days;
        after its tries, the next contact the contact policy allows."""
        self.ensure_one()
        outcome = self.outcome_id
        today = self.company_id._followup_today()
        day = fields.Date.add(today, days=outcome.retry_days)
        tries = self._followup_unanswered_tries()
        if tries < outcome.max_tries:
            self._followup_schedule(
                self.type_id,
                day,
                self.env._(
                    "Try again (%(tries)s/%(max)s): %(outcome)s",
                    tries=tries + 1,
                    max=outcome.max_tries,
                    outcome=outcome.name,
                ),
            )
            return
        policy = self.env["customer.followup.policy"]
        unanswered = self.env._("%(count)s unanswered in a row", count=tries)
        next_type, _reasons = policy._choose(
            self.partner_id,
            self.type_id,
            policy._reminder_candidates(),
            blocked=lambda t: t.channel == self.channel and unanswered,
        )
        if next_type:
            self._followup_schedule(
                next_type,
                day,
                self.env._(
                    "%(contact)s instead: %(channel)s %(reason)s",
                    contact=next_type.name,
                    channel=self.type_id.name,
                    reason=unanswered,
                ),
            )

    def _followup_schedule(self, touchpoint_type, day, summary):
        """An activity for the contact of ``touchpoint_type`` on ``day`` with
        the customer, for the salesperson who made this contact; it is the
        customer's planned follow-up unless another one is open."""
        self.ensure_one()
        partner = self.partner_id
        activity_type = touchpoint_type.activity_type_id or self.env.ref(
            "mail.mail_activity_data_todo"
        )
        Activity = self.env["mail.activity"].sudo()
        planned = Activity.search_count(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("followup_planned", "=", True),
            ],
            limit=1,
        )
        vals = {
            "res_model_id": self.env["ir.model"]._get_id("res.partner"),
            "res_id": partner.id,
            "activity_type_id": activity_type.id,
            "date_deadline": day,
            "summary": summary[:256],
            "user_id": (self.user_id or partner.user_id or self.env.user).id,
        }
        if not planned:
            vals.update(
                followup_planned=True,
                followup_touchpoint_type_id=touchpoint_type.id,
                followup_plan_date=day,
            )
        return Activity.with_context(mail_activity_quick_update=True).create(vals)

    def _followup_outcome_proposal(self):
        """(what, text) the salesperson is asked to confirm after this
        contact's outcome, or (False, False)."""
        self.ensure_one()
        step = self.outcome_id.next_step
        partner = self.partner_id
        if step == "opt_out" and self.channel in OPT_OUT_FIELDS:
            if partner[OPT_OUT_FIELDS[self.channel]]:
                return False, False
            text = (
                self.env._(
                    "%(customer)s is not interested: no more calls?",
                    customer=partner.display_name,
                )
                if self.channel == "call"
                else self.env._(
                    "%(customer)s is not interested: no more visits?",
                    customer=partner.display_name,
                )
            )
            return "opt_out", text
        if step == "archive" and partner.active:
            return "archive", self.env._(
                "%(customer)s has moved or closed: archive the customer? Its "
                "history is kept.",
                customer=partner.display_name,
            )
        return False, False

    def _followup_apply_proposal(self, proposal):
        """Apply what the salesperson confirmed, with their rights."""
        self.ensure_one()
        partner = self.partner_id
        if proposal == "opt_out" and self.channel in OPT_OUT_FIELDS:
            partner.write({OPT_OUT_FIELDS[self.channel]: True})
        elif proposal == "archive":
            partner.action_archive()
        partner.message_post(
            body=self.env._(
                "%(what)s after the contact of %(date)s (%(outcome)s).",
                what=self._followup_proposal_label(proposal),
                date=format_date(self.env, self.company_id._followup_date(self.date)),
                outcome=self.outcome_id.name,
            )
        )

    def _followup_proposal_label(self, proposal):
        if proposal == "archive":
            return self.env._("Customer archived")
        if self.channel == "visit":
            return self.env._("Opted out of visits")
        return self.env._("Opted out of calls")
