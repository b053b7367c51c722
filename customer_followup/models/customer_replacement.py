import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Domain

from .product_consumable_rule import DELIVERIES
from .value_range import DATE_MAX, DATE_MIN, ValueRange

_logger = logging.getLogger(__name__)

STATES = [
    ("planned", "Planned"),
    ("reminded", "Reminded"),
    ("ordered", "Ordered"),
    ("expired", "Expired"),
    ("cancelled", "Cancelled"),
]


class CustomerReplacement(models.Model):
    _name = "customer.replacement"
    _description = "Replacement Cycle"
    _inherit = ["mail.thread", "customer.followup.guard"]
    _order = "due_date, id"

    registration_id = fields.Many2one(
        "customer.product.registration",
        string="Registered Product",
        required=True,
        index=True,
        ondelete="cascade",
    )
    rule_id = fields.Many2one(
        "product.consumable.rule",
        required=True,
        index=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(
        related="registration_id.partner_id", store=True, index=True
    )
    product_id = fields.Many2one(
        related="registration_id.product_id", string="Owned Product", store=True
    )
    part_product_id = fields.Many2one(
        related="rule_id.part_product_id", string="Part", store=True, index=True
    )
    company_id = fields.Many2one(
        related="registration_id.company_id", store=True, index=True
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

    _followup_system_fields = (
        "reminded_date",
        "touchpoint_type_id",
        "delivery",
        "order_amount",
        "touchpoint_id",
        "printed_date",
    )
    _cycle_range = ValueRange("cycle", 1, 1000)
    _start_date_range = ValueRange("start_date", DATE_MIN, DATE_MAX)
    _due_date_range = ValueRange("due_date", DATE_MIN, DATE_MAX)
    _remind_date_range = ValueRange("remind_date", DATE_MIN, DATE_MAX)
    _cycle_unique = models.UniqueIndex(
        "(registration_id, rule_id, cycle)",
        "A registered product has one replacement record per rule and cycle.",
    )

    @api.depends("rule_id", "cycle", "registration_id")
    def _compute_display_name(self):
        for record in self:
            record.display_name = self.env._(
                "%(part)s for %(product)s (cycle %(cycle)s)",
                part=record.part_product_id.display_name or "",
                product=record.registration_id.display_name or "",
                cycle=record.cycle,
            )

    @api.depends("due_date", "rule_id.window_months")
    def _compute_expiry_date(self):
        for record in self:
            record.expiry_date = record.due_date and record.due_date + relativedelta(
                months=record.rule_id.window_months
            )

    # ------------------------------------------------------------------
    # Cycle transitions
    # ------------------------------------------------------------------

    def _plan_next_cycles(self, start_dates):
        """Plan the cycle after each of these (ordered or expired) cycles,
        from ``start_dates[cycle]``."""
        return self.registration_id._plan_cycles(
            starts={
                (cycle.registration_id, cycle.rule_id): start_dates[cycle]
                for cycle in self
            }
        )

    def _mark_ordered(self, order):
        """The customer bought the part in ``order``: close the cycles and plan
        the next ones from the order date."""
        if not self:
            return
        order_date = order.date_order.date()
        part_lines = order.order_line.filtered(
            lambda line: line.product_id in self.part_product_id
        )
        amounts = {
            part: sum(lines.mapped("price_subtotal"))
            for part, lines in part_lines.grouped("product_id").items()
        }
        for record in self:
            record.write(
                {
                    "state": "ordered",
                    "order_id": order.id,
                    "order_amount": amounts.get(record.part_product_id, 0.0),
                }
            )
        stale_quotations = self.quotation_id.filtered(
            lambda q: q != order and q.state in ("draft", "sent")
        )
        if stale_quotations:
            stale_quotations._action_cancel()
        self._plan_next_cycles(dict.fromkeys(self, order_date))

    @api.model
    def _on_order_confirmed(self, orders):
        """Close the open cycles whose part is in a confirmed order."""
        orders = orders.filtered(lambda o: o.state == "sale")
        parts = orders.order_line.product_id
        if not parts:
            return
        cycles = self.sudo().search(
            [
                ("state", "in", ("planned", "reminded")),
                ("partner_id", "in", orders.partner_id.commercial_partner_id.ids),
                ("part_product_id", "in", parts.ids),
            ]
        )
        for order in orders:
            order_date = order.date_order.date()
            order_cycles = cycles.filtered(
                lambda c, o=order, d=order_date: (
                    c.partner_id == o.partner_id.commercial_partner_id
                    and c.part_product_id in o.order_line.product_id
                    and c.start_date <= d
                )
            )
            order_cycles._mark_ordered(order)
            cycles -= order_cycles

    @api.model
    def _expiry_domain(self, today):
        return Domain(
            [
                ("state", "in", ("planned", "reminded")),
                ("expiry_date", "<", today),
            ]
        )

    @api.model
    def _commit_batch(self, processed, remaining):
        """Commit a batch and tell whether time is left, in a cron run only:
        called from anywhere else (a test, a shell, another method), the work
        stays in the caller's transaction and nothing stops it."""
        if not self.env.context.get("ir_cron_progress_id"):
            return True
        return self.env["ir.cron"]._commit_progress(processed, remaining=remaining)

    @api.model
    def _expire_due_cycles(self, today, batch_size=1000):
        """Expire every open cycle past its window and plan the next one from
        its due date, or from the first due date whose cycle is still open
        (a product registered long ago skips the cycles it missed).

        Returns False when the cron's time is used up: the runner calls the
        job again, and it goes on with the cycles still to expire (and then
        the reminders, counted as remaining too)."""
        domain = self._expiry_domain(today)
        while expired := self.search(domain, limit=batch_size, order="id"):
            expired.write({"state": "expired"})
            expired._plan_next_cycles(
                {
                    record: record.rule_id._catch_up_start(record.due_date, today)
                    for record in expired
                }
            )
            remaining = self.search_count(domain) + self.search_count(
                self._reminder_domain(today)
            )
            if not self._commit_batch(len(expired), remaining):
                return False
        return True

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------

    @api.model
    def _reminder_domain(self, today):
        return Domain(
            [
                ("state", "=", "planned"),
                ("remind_date", "<=", today),
                ("expiry_date", ">=", today),
                ("registration_id.state", "=", "active"),
                ("rule_id.active", "=", True),
                ("partner_id.active", "=", True),
                ("partner_id.followup_no_replacement_reminder", "=", False),
            ]
        )

    @api.model
    def _cron_send_reminders(self, batch_size=200, expiry_batch_size=1000):
        """Expire the cycles past their window, then remind the due ones, in
        batches within the cron's time budget. Another worker's locked
        cycles are left to it."""
        today = fields.Date.context_today(self)
        self = self.sudo()  # noqa: PLW0642
        if not self._expire_due_cycles(today, batch_size=expiry_batch_size):
            return
        domain = self._reminder_domain(today)
        skipped_ids = []
        while True:
            batch = self.search(
                domain & Domain("id", "not in", skipped_ids),
                limit=batch_size,
                order="remind_date, id",
            )
            if not batch:
                break
            locked = batch.try_lock_for_update()
            # another worker may have reminded them after our search
            locked.invalidate_recordset(["state"])
            todo = locked.filtered(lambda c: c.state == "planned")
            skipped_ids += (batch - todo).ids
            todo._send_reminders()
            remaining = self.search_count(domain & Domain("id", "not in", skipped_ids))
            if not self._commit_batch(len(todo), remaining):
                break

    def _find_parts_bought(self):
        """Return {cycle: confirmed order} for the cycles whose customer already
        bought the part since the cycle started."""
        if not self:
            return {}
        lines = (
            self.env["sale.order.line"]
            .sudo()
            .search_fetch(
                [
                    ("state", "=", "sale"),
                    (
                        "order_id.partner_id.commercial_partner_id",
                        "in",
                        self.partner_id.ids,
                    ),
                    ("product_id", "in", self.part_product_id.ids),
                    ("order_id.date_order", ">", min(self.mapped("start_date"))),
                ],
                ["order_id", "product_id"],
                order="id",
            )
        )
        orders_by_key = {}
        for line in lines:
            order = line.order_id
            key = (order.partner_id.commercial_partner_id, line.product_id)
            orders_by_key.setdefault(key, self.env["sale.order"])
            orders_by_key[key] |= order
        result = {}
        for cycle in self:
            orders = orders_by_key.get((cycle.partner_id, cycle.part_product_id))
            if not orders:
                continue
            orders = orders.filtered(
                lambda o, c=cycle: o.date_order.date() > c.start_date
            )
            if orders:
                result[cycle] = orders.sorted("date_order")[0]
        return result

    def _send_reminders(self):
        """Remind the customers of these due cycles, unless they bought the
        part already: the cycle is then ordered."""
        if not self:
            return
        bought = self._find_parts_bought()
        for cycle, order in bought.items():
            cycle._mark_ordered(order)
        cycles = self - self.browse([c.id for c in bought])
        self.env["customer.replacement.reminder"]._send(cycles)

    def _get_portal_quotation_url(self):
        self.ensure_one()
        quotation = self.quotation_id
        if not quotation:
            return False
        return quotation.get_base_url() + quotation.get_portal_url()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_print_postcards(self):
        records = self.filtered(lambda c: c.quotation_id)
        records.check_access("write")
        records.sudo().write({"printed": True, "printed_date": fields.Datetime.now()})
        # config=False: postcards do not use the company's document layout,
        # so never detour through the layout configurator.
        return self.env.ref(
            "customer_followup.action_report_replacement_hagaki"
        ).report_action(records, config=False)

    def action_cancel(self):
        self.filtered(lambda c: c.state in ("planned", "reminded")).write(
            {"state": "cancelled"}
        )
