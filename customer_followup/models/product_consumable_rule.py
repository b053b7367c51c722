from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Command

from .value_range import ValueRange

# How a reminder is delivered: it reaches the customer (mail, print), or it
# asks the salesperson to call (activity, opportunity).
DELIVERIES = [
    ("mail", "Email"),
    ("print", "Printed card (batch)"),
    ("activity", "Activity for the salesperson"),
    ("opportunity", "CRM opportunity"),
]
# The channels of the touchpoint types each delivery can log (None: any).
DELIVERY_CHANNELS = {
    "mail": ("email",),
    # printed in a batch: a letter or a postcard is written by a salesperson
    # (the contact policy's MADE_BY), so a printed step logs printed mail
    "print": ("printed_mail",),
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
# The rule's fields that are its first step's (step 1 of the ladder).
FIRST_STEP_FIELDS = ("delivery", "touchpoint_type_id", "mail_template_id")


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
    # The ladder of reminders: step 1 is the first reminder, each further
    # step follows the previous one.
    step_ids = fields.One2many(
        "product.consumable.rule.step",
        "rule_id",
        string="Reminder Steps",
        copy=True,
        default=lambda self: [
            Command.create({**self._default_first_step_vals(), "sequence": 0})
        ],
        help="The reminders of a cycle: the first step is sent the lead time "
        "before the due date; each further step a number of days after the "
        "previous one, as long as the customer has neither ordered the part "
        "nor replied, nor opted out, and the window is open.",
    )
    # The first step's contact, for the rule lists and for code that creates
    # rules with their first reminder (written to step 1, see create/write).
    delivery = fields.Selection(
        DELIVERIES,
        string="Channel",
        compute="_compute_first_step",
        readonly=False,
        help="The channel of the first reminder (step 1).",
    )
    touchpoint_type_id = fields.Many2one(
        "customer.touchpoint.type",
        compute="_compute_first_step",
        readonly=False,
        help="The touchpoint type of the first reminder (step 1).",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        compute="_compute_first_step",
        readonly=False,
        domain="[('model', '=', 'customer.replacement')]",
        help="The mail of the first reminder (step 1), and of the further "
        "mail steps without their own.",
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

    @api.depends(
        "step_ids.sequence",
        "step_ids.delivery",
        "step_ids.touchpoint_type_id",
        "step_ids.mail_template_id",
    )
    def _compute_first_step(self):
        for rule in self:
            first = rule._steps()[:1]
            rule.delivery = first.delivery
            rule.touchpoint_type_id = first.touchpoint_type_id
            rule.mail_template_id = first.mail_template_id

    def _steps(self):
        """The ladder of this rule, in order: step 1 first."""
        self.ensure_one()
        return self.step_ids.sorted(lambda step: (step.sequence, step.id or 0))

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

    @api.constrains("step_ids")
    def _check_first_step(self):
        """A rule reminds at least once: its ladder has a first step."""
        if any(not rule.step_ids for rule in self):
            raise ValidationError(self._no_step_message())

    def _no_step_message(self):
        return self.env._(
            "A replacement rule needs at least one reminder step: the first reminder."
        )

    @api.model
    def _first_step_vals(self, vals):
        """Take the first reminder's contact out of rule values ``vals``: the
        values of step 1, or {} when none is given."""
        return {key: vals.pop(key) for key in FIRST_STEP_FIELDS if key in vals}

    @api.model
    def _default_first_step_vals(self):
        """The first reminder of a rule created without one: an email."""
        email = self.env.ref(DELIVERY_DEFAULT_TYPES["mail"], raise_if_not_found=False)
        template = self.env.ref(
            "customer_followup.mail_template_replacement_reminder",
            raise_if_not_found=False,
        )
        return {
            "delivery": "mail",
            "touchpoint_type_id": email.id,
            "mail_template_id": template.id,
        }

    @api.model
    def _complete_first_step_vals(self, given):
        """Step 1 of ``given`` values, the email's defaults for the others
        (the touchpoint type the delivery proposes when none is given)."""
        first = {**self._default_first_step_vals(), **given}
        if "touchpoint_type_id" not in given:
            first["touchpoint_type_id"] = fitting_touchpoint_type(
                self.env,
                first["delivery"],
                self.env["customer.touchpoint.type"].browse(
                    first["touchpoint_type_id"]
                ),
            ).id
        return first

    @api.model_create_multi
    def create(self, vals_list):
        """Rule values may give the first reminder's contact (``delivery``,
        ``touchpoint_type_id``, ``mail_template_id``): it becomes step 1,
        before the ``step_ids`` given. Without it, ``step_ids`` is the whole
        ladder; a rule without any step reminds by email."""
        for vals in vals_list:
            self._check_rule_values(vals)
            first = self._first_step_vals(vals)
            steps = list(vals.get("step_ids") or [])
            if first or not steps:
                first = self._complete_first_step_vals(first)
                # sequence 0 and created first: before every other step
                vals["step_ids"] = [Command.create({**first, "sequence": 0}), *steps]
        rules = super().create(vals_list)
        active = rules.filtered("active")
        active._owned_registrations()._plan_cycles(rules=active)
        return rules

    def write(self, vals):
        self._check_rule_values(vals)
        vals = dict(vals)
        first = self._first_step_vals(vals)
        # its steps are changed in one go: the ladder is checked at the end
        res = super(
            ProductConsumableRule, self.with_context(followup_rule_write=True)
        ).write(vals)
        if first:
            for rule in self:
                if step := rule._steps()[:1]:
                    step.write(first)
                else:
                    step_vals = self._complete_first_step_vals(first)
                    rule.step_ids = [Command.create({**step_vals, "sequence": 0})]
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
