from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .product_consumable_rule import (
    DELIVERIES,
    DELIVERY_DEFAULT_TYPES,
    check_delivery_touchpoint_type,
    fitting_touchpoint_type,
)
from .value_range import ValueRange


class ProductConsumableRuleStep(models.Model):
    """A reminder of a replacement rule: step 1 is the first reminder, sent
    the rule's lead time before the due date; the further steps follow one
    after the other while the customer has neither ordered the part nor
    replied."""

    _name = "product.consumable.rule.step"
    _inherit = ["customer.followup.guard"]
    _description = "Replacement Reminder Step"
    _order = "rule_id, sequence, id"

    rule_id = fields.Many2one(
        "product.consumable.rule",
        string="Replacement Rule",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    number = fields.Integer(
        string="Step",
        compute="_compute_number",
        help="1 is the first reminder, 2 the step after it, and so on.",
    )
    delay_days = fields.Integer(
        string="Days After Previous",
        required=True,
        default=14,
        help="How many days after the previous reminder this one is sent, if "
        "the customer has neither ordered the part nor replied (the first "
        "step is sent the rule's lead time before the due date instead).",
    )
    delivery = fields.Selection(
        DELIVERIES, string="Channel", required=True, default="print"
    )
    touchpoint_type_id = fields.Many2one(
        "customer.touchpoint.type",
        required=True,
        ondelete="restrict",
        index=True,
        default=lambda self: self.env.ref(
            DELIVERY_DEFAULT_TYPES["print"], raise_if_not_found=False
        ),
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain="[('model', '=', 'customer.replacement')]",
        help="The mail of this step; empty: the rule's template.",
    )
    company_id = fields.Many2one(related="rule_id.company_id", store=True, index=True)

    _sequence_range = ValueRange("sequence", 0, 1000000)
    _delay_range = ValueRange("delay_days", 1, 365)

    @api.depends("rule_id.step_ids.sequence")
    def _compute_number(self):
        for step in self:
            steps = step.rule_id.step_ids.sorted(lambda s: (s.sequence, s.id or 0))
            step.number = next(
                (n for n, other in enumerate(steps, 1) if other == step), 0
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_last_step(self):
        """A rule keeps its first reminder: its last step is not deleted
        (deleting the rule deletes its steps; the rule's own write checks
        its ladder once all its step changes are made)."""
        if self.env.context.get("followup_rule_write"):
            return
        if any(not (rule.step_ids - self) for rule in self.rule_id):
            raise ValidationError(self.rule_id._no_step_message())

    @api.depends("delivery", "delay_days", "number")
    def _compute_display_name(self):
        labels = dict(self._fields["delivery"]._description_selection(self.env))
        for step in self:
            channel = labels.get(step.delivery, "")
            # the first reminder is sent the rule's lead time before the due
            # date: its days are not a delay
            if step.number == 1:
                step.display_name = self.env._(
                    "%(channel)s, first reminder", channel=channel
                )
                continue
            step.display_name = self.env._(
                "%(channel)s after %(days)s days",
                channel=channel,
                days=step.delay_days,
            )

    @api.onchange("delivery")
    def _onchange_delivery(self):
        """Propose the touchpoint type of the delivery when the current one
        does not fit it."""
        for step in self:
            step.touchpoint_type_id = fitting_touchpoint_type(
                step.env, step.delivery, step.touchpoint_type_id
            )

    @api.constrains("delivery", "touchpoint_type_id")
    def _check_touchpoint_type(self):
        """A mail step logs an email contact, a printed one a postal one."""
        check_delivery_touchpoint_type(self)
