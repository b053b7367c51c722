from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import format_date

from .product_consumable_rule import DELIVERIES
from .value_range import DATE_MAX, DATE_MIN, ValueRange

SOURCES = [
    ("rule", "Replacement rule"),
    ("learned", "Learned reorder interval"),
]
STATES = [
    ("planned", "Planned"),
    ("reminded", "Reminded"),
    ("ordered", "Ordered"),
    ("expired", "Expired"),
    ("cancelled", "Cancelled"),
]
# Why the escalation steps of a reminded cycle stopped before its last step
# (an order or the end of the window change the cycle's state instead).
ESCALATION_STOPS = [
    ("replied", "Customer replied"),
    ("opted_out", "Customer opted out"),
    ("unreachable", "Channel not possible"),
    ("quotation", "Quotation cancelled"),
]


class CustomerReplacement(models.Model):
    """A replacement cycle: the record and its computed dates. Its
    transitions, the cycle generator, the scheduler and the escalation each
    have their file (customer_replacement_*.py)."""

    _name = "customer.replacement"
    _description = "Replacement Cycle"
    _inherit = ["mail.thread", "customer.followup.guard"]
    _order = "due_date, id"

    # A cycle comes from a replacement rule for a registered product, or from
    # the interval learned from the customer's orders of a replenishable
    # product (no registration, no rule: the product itself is the part).
    source = fields.Selection(
        SOURCES, required=True, default="rule", index=True, readonly=True
    )
    registration_id = fields.Many2one(
        "customer.product.registration",
        string="Registered Product",
        index="btree_not_null",
        ondelete="cascade",
    )
    rule_id = fields.Many2one(
        "product.consumable.rule",
        index="btree_not_null",
        ondelete="cascade",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_cycle_subject",
        store=True,
        readonly=False,
        index=True,
        ondelete="cascade",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Owned Product",
        compute="_compute_cycle_subject",
        store=True,
        readonly=False,
    )
    part_product_id = fields.Many2one(
        "product.product",
        string="Part",
        compute="_compute_cycle_subject",
        store=True,
        readonly=False,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_cycle_subject",
        store=True,
        readonly=False,
        index=True,
    )
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    cycle = fields.Integer(required=True, default=1)
    start_date = fields.Date(
        required=True,
        help="Purchase date of the product, or date of the last replacement.",
    )
    due_date = fields.Date(required=True, index=True)
    remind_date = fields.Date(required=True, index=True)
    expiry_date = fields.Date(
        compute="_compute_expiry_date",
        store=True,
        index=True,
        help="After this date without an order, the cycle expires.",
    )
    state = fields.Selection(
        STATES, default="planned", required=True, index=True, tracking=True
    )
    reminded_date = fields.Date(readonly=True, copy=False)
    touchpoint_type_id = fields.Many2one(
        "customer.touchpoint.type",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The channel of the reminder, after opt-out fallbacks.",
    )
    delivery = fields.Selection(
        DELIVERIES,
        string="Channel Used",
        readonly=True,
        copy=False,
        help="The channel of the reminder, after opt-out fallbacks.",
    )
    quotation_id = fields.Many2one("sale.order", index="btree_not_null", copy=False)
    order_id = fields.Many2one(
        "sale.order",
        index="btree_not_null",
        copy=False,
        help="The confirmed order in which the customer bought the part.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    order_amount = fields.Monetary(
        string="Parts Revenue",
        copy=False,
        help="Untaxed amount of the part lines of the order.",
    )
    touchpoint_id = fields.Many2one(
        "customer.touchpoint", index="btree_not_null", copy=False
    )
    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", index="btree_not_null", copy=False
    )
    printed = fields.Boolean(copy=False)
    printed_date = fields.Datetime(copy=False, readonly=True)
    reminder_step = fields.Integer(
        readonly=True,
        copy=False,
        help="The last reminder step sent: 1 is the first reminder, 2 the "
        "step after it, and so on.",
    )
    reminder_step_date = fields.Datetime(
        string="Last Reminder",
        readonly=True,
        copy=False,
        help="When the last reminder step was sent.",
    )
    next_step_date = fields.Date(
        string="Next Step",
        compute="_compute_next_step_date",
        store=True,
        index="btree_not_null",
        help="When the next escalation step of the rule is sent, if the "
        "customer has neither ordered the part nor replied by then.",
    )
    escalation_stop = fields.Selection(
        ESCALATION_STOPS,
        string="Escalation Stopped",
        readonly=True,
        copy=False,
        help="Why no further reminder step is sent (the reason is also in the "
        "chatter).",
    )

    _followup_system_fields = (
        "partner_id",
        "product_id",
        "part_product_id",
        "company_id",
        "reminded_date",
        "touchpoint_type_id",
        "delivery",
        "order_amount",
        "touchpoint_id",
        "printed_date",
        "reminder_step",
        "reminder_step_date",
        "escalation_stop",
    )
    _cycle_range = ValueRange("cycle", 1, 1000)
    _start_date_range = ValueRange("start_date", DATE_MIN, DATE_MAX)
    _due_date_range = ValueRange("due_date", DATE_MIN, DATE_MAX)
    _remind_date_range = ValueRange("remind_date", DATE_MIN, DATE_MAX)
    _cycle_unique = models.UniqueIndex(
        "(registration_id, rule_id, cycle)",
        "A registered product has one replacement record per rule and cycle.",
    )
    # one learned reminder per purchase: the last purchase starts the cycle
    _learned_cycle_unique = models.UniqueIndex(
        "(company_id, partner_id, part_product_id, start_date) "
        "WHERE source = 'learned'",
        "A customer has one reorder reminder per product and last purchase.",
    )

    @api.depends(
        "registration_id.partner_id",
        "registration_id.product_id",
        "registration_id.company_id",
        "rule_id.part_product_id",
    )
    def _compute_cycle_subject(self):
        """From the registration and rule; a learned cycle keeps the values
        it was created with."""
        for record in self:
            registration, rule = record.registration_id, record.rule_id
            if registration:
                record.partner_id = registration.partner_id
                record.product_id = registration.product_id
                record.company_id = registration.company_id
            else:
                record.partner_id = record.partner_id
                record.product_id = record.product_id
                record.company_id = record.company_id
            record.part_product_id = (
                rule.part_product_id if rule else record.part_product_id
            )

    @api.depends("rule_id", "cycle", "registration_id", "source", "due_date")
    def _compute_display_name(self):
        for record in self:
            if record.source == "learned":
                record.display_name = self.env._(
                    "Reorder of %(product)s (expected %(date)s)",
                    product=record.part_product_id.display_name or "",
                    date=format_date(self.env, record.due_date),
                )
                continue
            record.display_name = self.env._(
                "%(part)s for %(product)s (cycle %(cycle)s)",
                part=record.part_product_id.display_name or "",
                product=record.registration_id.display_name or "",
                cycle=record.cycle,
            )

    @api.depends(
        "due_date",
        "source",
        "rule_id.window_months",
        "company_id.followup_reorder_window_days",
    )
    def _compute_expiry_date(self):
        for record in self:
            if not record.due_date:
                record.expiry_date = False
            elif record.source == "learned":
                record.expiry_date = record.due_date + timedelta(
                    days=record.company_id.followup_reorder_window_days
                )
            else:
                record.expiry_date = record.due_date + relativedelta(
                    months=record.rule_id.window_months
                )

    @api.depends(
        "state",
        "escalation_stop",
        "reminder_step",
        "reminder_step_date",
        "rule_id.step_ids.sequence",
        "rule_id.step_ids.delay_days",
    )
    def _compute_next_step_date(self):
        for record in self:
            step = record._step(record.reminder_step + 1)
            if (
                step
                and record.state == "reminded"
                and not record.escalation_stop
                and record.reminder_step_date
            ):
                sent = record.company_id._followup_date(record.reminder_step_date)
                record.next_step_date = sent + timedelta(days=step.delay_days)
            else:
                record.next_step_date = False

    def _step(self, number):
        """The step of the rule's ladder sent as reminder ``number`` of this
        cycle (1 is the first reminder), or an empty recordset (a learned
        cycle has no rule: its one reminder is the company's)."""
        self.ensure_one()
        if not self.rule_id or number < 1:
            return self.env["product.consumable.rule.step"]
        return self.rule_id._steps()[number - 1 : number]

    # ------------------------------------------------------------------
    # Links and actions
    # ------------------------------------------------------------------

    def _get_portal_quotation_url(self):
        """The link to the reminder quotation given to the customer (mail
        button, postcard): the portal page, in the customer's language."""
        self.ensure_one()
        quotation = self.quotation_id
        if not quotation:
            return False
        return quotation._get_followup_portal_url()

    def _reminded_together(self):
        """The cycles the reminder of this leading cycle names: the open
        cycles of its quotation, the leading one first."""
        self.ensure_one()
        cycles = self
        if self.quotation_id:
            cycles |= self.search(
                [
                    ("quotation_id", "=", self.quotation_id.id),
                    ("state", "=", "reminded"),
                ]
            )
        return self.env["customer.replacement.reminder"]._lead_sorted(cycles)

    def _grouped_reminder_contents(self):
        """What the reminder of this leading cycle names when it reminds of
        several cycles (one quotation): the parts per registered product,
        the reorders of regular products, and the optional products often
        bought with the parts."""
        cycles = self._reminded_together()
        parts = cycles.filtered(lambda c: c.source == "rule")
        return {
            "models": list(parts.grouped("registration_id").items()),
            "reorders": cycles - parts,
            "companions": self.quotation_id.order_line.filtered(
                lambda line: (
                    line.product_id
                    and not line.display_type
                    and not line.followup_replacement_id
                )
            ).product_id,
        }

    def _grouped_reminder_names(self):
        """The names of what the grouped reminder is about (its subject)."""
        names = self._reminded_together().part_product_id.mapped("name")
        return ", ".join(dict.fromkeys(names))

    def action_print_postcards(self):
        records = self.filtered(lambda c: c.quotation_id)
        records.check_access("write")
        # one card names all the cycles of its quotation: they are printed
        # with it, not again on a card of their own
        records |= (
            self.sudo()
            .search(
                [
                    ("quotation_id", "in", records.quotation_id.ids),
                    ("delivery", "=", "print"),
                    ("state", "=", "reminded"),
                    ("printed", "=", False),
                ]
            )
            .with_env(records.env)
        )
        records.sudo().write({"printed": True, "printed_date": fields.Datetime.now()})
        # config=False: postcards do not use the company's document layout,
        # so never detour through the layout configurator.
        return self.env.ref(
            "customer_followup.action_report_replacement_hagaki"
        ).report_action(records, config=False)

    def action_cancel(self):
        self.check_access("write")
        self.filtered(lambda c: c.state in ("planned", "reminded")).write(
            {"state": "cancelled"}
        )
