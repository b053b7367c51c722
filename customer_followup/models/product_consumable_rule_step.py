from odoo import api, fields, models

from .product_consumable_rule import (
    DELIVERIES,
    DELIVERY_DEFAULT_TYPES,
    check_delivery_touchpoint_type,
    fitting_touchpoint_type,
)
from .value_range import ValueRange


class ProductConsumableRuleStep(models.Model):
    """A further reminder of a replacement rule: the rule's own channel is the
    first reminder, its steps follow one after the other while the customer
    has neither ordered the part nor replied."""

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
    delay_days = fields.Integer(
        string="Days After Previous",
        required=True,
        default=14,
        help="How many days after the previous reminder this one is sent, if "
        "the customer has neither ordered the part nor replied.",
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

    @api.depends("delivery", "delay_days")
    def _compute_display_name(self):
        labels = dict(self._fields["delivery"]._description_selection(self.env))
        for step in self:
            step.display_name = self.env._(
                "%(channel)s after %(days)s days",
                channel=labels.get(step.delivery, ""),
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
