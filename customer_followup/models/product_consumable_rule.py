from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .customer_touchpoint_type import POSTAL_CHANNELS
from .value_range import ValueRange

# How a reminder is delivered: it reaches the customer (mail, print), or it
# asks the salesperson to call (activity, opportunity).
DELIVERIES = [
    ("mail", "Email"),
    ("print", "Postal letter / postcard"),
    ("activity", "Activity for the salesperson"),
    ("opportunity", "CRM opportunity"),
]
# The channels of the touchpoint types each delivery can log (None: any).
DELIVERY_CHANNELS = {
    "mail": ("email",),
    "print": POSTAL_CHANNELS,
    "activity": None,
    "opportunity": None,
}
# The touchpoint type a rule gets when its delivery is chosen.
DELIVERY_DEFAULT_TYPES = {
    "mail": "customer_followup.touchpoint_type_email",
    "print": "customer_followup.touchpoint_type_printed_mail",
    "activity": "customer_followup.touchpoint_type_call",
    "opportunity": "customer_followup.touchpoint_type_call",
}


def fitting_touchpoint_type(env, delivery, touchpoint_type):
    """``touchpoint_type`` if it fits ``delivery``, else the delivery's
    default type (the rule and step forms propose it)."""
    channels = DELIVERY_CHANNELS.get(delivery)
    if not delivery or channels is None or touchpoint_type.channel in channels:
        return touchpoint_type
    default_type = env.ref(DELIVERY_DEFAULT_TYPES[delivery], raise_if_not_found=False)
    return default_type or touchpoint_type


def check_delivery_touchpoint_type(records):
    """Refuse a touchpoint type that does not fit the delivery of
    ``records`` (rules or their steps)."""
    env = records.env
    channel_labels = dict(
        env["customer.touchpoint.type"]._fields["channel"]._description_selection(env)
    )
    delivery_labels = dict(records._fields["delivery"]._description_selection(env))
    for record in records:
        channels = DELIVERY_CHANNELS.get(record.delivery)
        if channels is None or record.touchpoint_type_id.channel in channels:
            continue
        raise ValidationError(
            env._(
                "The touchpoint type of a reminder by %(delivery)s must be of "
                "the channel %(channels)s, not %(type)s.",
                delivery=delivery_labels[record.delivery],
                channels=", ".join(channel_labels[c] for c in channels),
                type=record.touchpoint_type_id.display_name,
            )
        )


class ProductConsumableRule(models.Model):
    _name = "product.consumable.rule"
    _inherit = ["customer.followup.guard"]
    _description = "Consumable Replacement Rule"
    _order = "product_tmpl_id, interval_months, id"

    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Owned Product",
        required=True,
        index=True,
        ondelete="cascade",
        help="The durable product the customer owns.",
    )
    part_product_id = fields.Many2one(
        "product.product",
        string="Replacement Part",
        required=True,
        index=True,
        ondelete="restrict",
        domain="[('sale_ok', '=', True)]",
        help="The consumable part the customer should buy.",
    )
    interval_months = fields.Integer(
        string="Interval (months)",
        required=True,
        default=24,
        help="The part is due this many months after the purchase or after the "
        "last replacement.",
    )
    window_months = fields.Integer(
        string="Window (months)",
        required=True,
        default=6,
        help="How long after the due date a reminder still makes sense; after it "
        "the cycle expires and the next one is planned.",
    )
    lead_days = fields.Integer(
        string="Lead Time (days)",
        required=True,
        default=30,
        help="How many days before the due date the customer is reminded.",
    )
    quantity = fields.Float(default=1.0, digits="Product Unit", required=True)
    touchpoint_type_id = fields.Many2one(
        "customer.touchpoint.type",
        required=True,
        ondelete="restrict",
        index=True,
        default=lambda self: self.env.ref(
            DELIVERY_DEFAULT_TYPES["mail"], raise_if_not_found=False
        ),
    )
    delivery = fields.Selection(
        DELIVERIES, string="Channel", required=True, default="mail"
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain="[('model', '=', 'customer.replacement')]",
        default=lambda self: self.env.ref(
            "customer_followup.mail_template_replacement_reminder",
            raise_if_not_found=False,
        ),
    )
    step_ids = fields.One2many(
        "product.consumable.rule.step",
        "rule_id",
        string="Escalation Steps",
        copy=True,
        help="Further reminders after the first one, each a number of days "
        "after the previous one, as long as the customer has neither ordered "
        "the part nor replied, nor opted out, and the window is open.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company
    )

    _interval_range = ValueRange("interval_months", 1, 240)
    _window_range = ValueRange("window_months", 0, 120)
    _lead_range = ValueRange("lead_days", 0, 365)
    _quantity_range = ValueRange("quantity", 0.01, 10000.0)

    @api.depends("product_tmpl_id", "part_product_id", "interval_months")
    def _compute_display_name(self):
        for rule in self:
            rule.display_name = self.env._(
                "%(part)s every %(months)s months for %(product)s",
                part=rule.part_product_id.display_name or "",
                months=rule.interval_months,
                product=rule.product_tmpl_id.display_name or "",
            )

    @api.onchange("delivery")
    def _onchange_delivery(self):
        """Propose the touchpoint type of the delivery when the current one
        does not fit it."""
        for record in self:
            record.touchpoint_type_id = fitting_touchpoint_type(
                record.env, record.delivery, record.touchpoint_type_id
            )

    def _check_rule_values(self, vals):
        """Refuse a part that is the owned product before anything is written."""
        if vals.get("part_product_id") and vals.get("product_tmpl_id"):
            part = self.env["product.product"].browse(vals["part_product_id"])
            if part.product_tmpl_id.id == vals["product_tmpl_id"]:
                raise ValidationError(self._same_product_message(part.product_tmpl_id))

    def _same_product_message(self, product_tmpl):
        return self.env._(
            "The replacement part of %(product)s must be another product than "
            "the owned product itself.",
            product=product_tmpl.display_name,
        )

    @api.constrains("product_tmpl_id", "part_product_id")
    def _check_part(self):
        for rule in self:
            if rule.part_product_id.product_tmpl_id == rule.product_tmpl_id:
                raise ValidationError(self._same_product_message(rule.product_tmpl_id))
            if not rule.part_product_id.sale_ok:
                raise ValidationError(
                    self.env._(
                        "The replacement part %(part)s must be a saleable product.",
                        part=rule.part_product_id.display_name,
                    )
                )

    @api.constrains("delivery", "touchpoint_type_id")
    def _check_touchpoint_type(self):
        """An email logs an email contact, a printed reminder a postal one."""
        check_delivery_touchpoint_type(self)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_rule_values(vals)
        rules = super().create(vals_list)
        active = rules.filtered("active")
        active._owned_registrations()._plan_cycles(rules=active)
        return rules

    def write(self, vals):
        self._check_rule_values(vals)
        res = super().write(vals)
        if vals.get("active") or "product_tmpl_id" in vals:
            active = self.filtered("active")
            active._owned_registrations()._plan_cycles(rules=active)
        return res

    def _owned_registrations(self):
        """The active registrations of the products of these rules: a new or
        reactivated rule plans their first cycle."""
        return (
            self.env["customer.product.registration"]
            .sudo()
            .search(
                [
                    ("state", "=", "active"),
                    ("product_id.product_tmpl_id", "in", self.product_tmpl_id.ids),
                ]
            )
        )

    def _catch_up_start(self, start_date, today):
        """The start date, moved on by whole intervals until a cycle starting
        then has not expired by ``today``."""
        self.ensure_one()
        interval = relativedelta(months=self.interval_months)
        lifetime = relativedelta(months=self.interval_months + self.window_months)
        months = (today.year - start_date.year) * 12 + today.month - start_date.month
        skipped = max(0, (months - self.interval_months - self.window_months - 1))
        start_date += relativedelta(
            months=skipped // self.interval_months * self.interval_months
        )
        while start_date + lifetime < today:
            start_date += interval
        return start_date
