import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, format_date

from .product_consumable_rule import DELIVERIES
from .value_range import DATE_MAX, DATE_MIN, ValueRange

_logger = logging.getLogger(__name__)

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


# advisory lock of the planning of learned reorder cycles
LEARNED_PLANNING_LOCK = 0x43465231  # "CFR1"


class CustomerReplacement(models.Model):
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
        help="The last reminder sent: 1 is the first reminder, 2 the first "
        "escalation step of the rule, and so on.",
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
        """The escalation step sent as reminder ``number`` of this cycle (the
        first reminder is the rule's own channel, 2 its first step), or an
        empty recordset."""
        self.ensure_one()
        steps = self.rule_id.step_ids.sorted(lambda step: (step.sequence, step.id))
        if number < 2 or number - 2 >= len(steps):
            return steps.browse()
        return steps[number - 2]

    # ------------------------------------------------------------------
    # Cycle transitions
    # ------------------------------------------------------------------

    def _plan_next_cycles(self, start_dates):
        """Plan the cycle after each of these (ordered or expired) cycles,
        from ``start_dates[cycle]``. A learned cycle has no next one here:
        the nightly job learns the next expected date from the new order."""
        cycles = self.filtered(lambda c: c.source == "rule")
        return cycles.registration_id._plan_cycles(
            starts={
                (cycle.registration_id, cycle.rule_id): start_dates[cycle]
                for cycle in cycles
            }
        )

    def _mark_ordered(self, order):
        """The customer bought the part in ``order``: close the cycles and plan
        the next ones from the order date."""
        if not self:
            return
        order_date = order.company_id._followup_date(order.date_order)
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
            order_date = order.company_id._followup_date(order.date_order)
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
                    if record.source == "rule"
                }
            )
            remaining = (
                self.search_count(domain)
                + self.search_count(self._reminder_domain(today))
                + self.search_count(self._escalation_domain(today))
            )
            if not self._commit_batch(len(expired), remaining):
                return False
        return True

    # ------------------------------------------------------------------
    # Learned reorder cycles
    # ------------------------------------------------------------------

    @api.model
    def _rule_wins_sql(self, alias, product_column):
        """SQL condition: an active replacement rule names the product as the
        part of a product the customer has registered (the rule reminds
        them, not the learned interval)."""
        return SQL(
            """
            EXISTS (
                SELECT 1
                  FROM product_consumable_rule ru
                  JOIN product_product op ON op.product_tmpl_id = ru.product_tmpl_id
                  JOIN customer_product_registration reg ON reg.product_id = op.id
                 WHERE ru.active
                   AND ru.part_product_id = %(alias)s.%(product)s
                   AND reg.partner_id = %(alias)s.partner_id
                   AND reg.company_id = %(alias)s.company_id
                   AND reg.state = 'active'
                   AND (ru.company_id IS NULL OR ru.company_id = reg.company_id))
            """,
            alias=SQL.identifier(alias),
            product=SQL.identifier(product_column),
        )

    @api.model
    def _plan_learned_cycles(self, today, batch_size=1000):
        """Plan a reorder cycle for every customer and replenishable product
        whose learned reminder date has come (expected reorder date minus the
        company's lead days) and whose window is still open: one per last
        purchase, so one reminder per learned cycle. The customer's next
        order closes it; the next cycle starts from the interval the nightly
        job learns from that order. Opted-out customers get none, and a
        product a replacement rule reminds the customer of is left to it
        (an open learned cycle of such a product is cancelled)."""
        self.env["customer.reorder.interval"].flush_model()
        self.env["product.consumable.rule"].flush_model()
        self.env["customer.product.registration"].flush_model()
        self.env["res.partner"].flush_model(
            ["active", "followup_no_replacement_reminder"]
        )
        self.env["product.template"].flush_model(["followup_replenishable"])
        self.flush_model()
        if not self._lock_learned_planning():
            return True
        ruled = self.env.execute_query(
            SQL(
                """
                SELECT r.id FROM customer_replacement r
                 WHERE r.source = 'learned' AND r.state = 'planned' AND %s
              ORDER BY r.id
                """,
                self._rule_wins_sql("r", "part_product_id"),
            )
        )
        if ruled:
            self.browse([row[0] for row in ruled]).action_cancel()
        while True:
            self.flush_model()
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT i.company_id, i.partner_id, i.product_id,
                           i.last_purchase_date, i.expected_date,
                           i.expected_date - c.followup_reorder_lead_days,
                           (SELECT COUNT(*) FROM customer_replacement r
                             WHERE r.source = 'learned'
                               AND r.company_id = i.company_id
                               AND r.partner_id = i.partner_id
                               AND r.part_product_id = i.product_id) + 1
                      FROM customer_reorder_interval i
                      JOIN res_company c ON c.id = i.company_id
                      JOIN res_partner p ON p.id = i.partner_id
                      JOIN product_product pp ON pp.id = i.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     WHERE pt.followup_replenishable
                       AND pt.sale_ok AND pt.active AND pp.active
                       AND p.active
                       AND NOT COALESCE(p.followup_no_replacement_reminder, FALSE)
                       AND i.expected_date - c.followup_reorder_lead_days <= %(today)s
                       AND i.expected_date + c.followup_reorder_window_days >= %(today)s
                       AND NOT EXISTS (
                           SELECT 1 FROM customer_replacement r
                            WHERE r.source = 'learned'
                              AND r.company_id = i.company_id
                              AND r.partner_id = i.partner_id
                              AND r.part_product_id = i.product_id
                              AND (r.start_date >= i.last_purchase_date
                                   OR r.state IN ('planned', 'reminded')))
                       AND NOT %(rule_wins)s
                  ORDER BY i.id
                     LIMIT %(limit)s
                    """,
                    today=today,
                    limit=batch_size,
                    rule_wins=self._rule_wins_sql("i", "product_id"),
                )
            )
            if not rows:
                return True
            self.create(
                [
                    {
                        "source": "learned",
                        "company_id": company_id,
                        "partner_id": partner_id,
                        "part_product_id": product_id,
                        "cycle": min(cycle, 1000),
                        "start_date": last_date,
                        "due_date": expected,
                        "remind_date": remind,
                    }
                    for (
                        company_id,
                        partner_id,
                        product_id,
                        last_date,
                        expected,
                        remind,
                        cycle,
                    ) in rows
                ]
            )
            # each batch is chosen and written under the lock, which the
            # commit releases: a second worker never plans the same cycle
            more = batch_size if len(rows) == batch_size else 0
            if not self._commit_batch(len(rows), more):
                return False
            if not self._lock_learned_planning():
                return True

    @api.model
    def _lock_learned_planning(self):
        """Whether this transaction may plan learned cycles: one worker at a
        time (a transaction lock, released by the batch's commit)."""
        self.env.cr.execute(
            "SELECT pg_try_advisory_xact_lock(%s)", [LEARNED_PLANNING_LOCK]
        )
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------

    @api.model
    def _open_cycle_domain(self, today):
        """Cycles still worth a reminder: within their window, of an active
        registration, rule and customer."""
        rule_cycles = Domain(
            [
                ("source", "=", "rule"),
                ("registration_id.state", "=", "active"),
                ("rule_id.active", "=", True),
            ]
        )
        learned_cycles = Domain(
            [
                ("source", "=", "learned"),
                ("part_product_id.followup_replenishable", "=", True),
            ]
        )
        return Domain(
            [("expiry_date", ">=", today), ("partner_id.active", "=", True)]
        ) & (rule_cycles | learned_cycles)

    @api.model
    def _reminder_domain(self, today):
        return self._open_cycle_domain(today) & Domain(
            [
                ("state", "=", "planned"),
                ("remind_date", "<=", today),
                ("partner_id.followup_no_replacement_reminder", "=", False),
            ]
        )

    @api.model
    def _escalation_domain(self, today):
        return self._open_cycle_domain(today) & Domain(
            [("state", "=", "reminded"), ("next_step_date", "<=", today)]
        )

    @api.model
    def _cron_send_reminders(self, batch_size=200, expiry_batch_size=1000):
        """Expire the cycles past their window, remind the due ones, then send
        the due escalation steps, in batches within the cron's time budget.
        Another worker's locked cycles are left to it."""
        today = self.env.company._followup_today()
        self = self.sudo()  # noqa: PLW0642
        if not self._expire_due_cycles(today, batch_size=expiry_batch_size):
            return
        if not self._plan_learned_cycles(today):
            return
        reminders = self._reminder_domain(today)
        escalations = self._escalation_domain(today)
        if not self._process_locked(
            reminders,
            lambda cycle: cycle.state == "planned",
            lambda cycles: cycles._send_reminders(),
            batch_size,
            order="remind_date, id",
            later=[escalations],
        ):
            return
        self._process_locked(
            escalations,
            lambda cycle: cycle.next_step_date and cycle.next_step_date <= today,
            lambda cycles: cycles._send_escalations(),
            batch_size,
            order="next_step_date, id",
        )

    @api.model
    def _process_locked(self, domain, is_due, process, batch_size, order, later=()):
        """Process the cycles of ``domain`` in batches, each cycle once: a
        batch is locked first, and the cycles another worker holds, or has
        processed since our search (``is_due`` is False once they are read
        again under the lock), are left out. Returns False when the cron's
        time is used up (the ``later`` domains count as remaining work)."""
        seen_ids = []
        while True:
            batch = self.search(
                domain & Domain("id", "not in", seen_ids), limit=batch_size, order=order
            )
            if not batch:
                return True
            seen_ids += batch.ids
            locked = batch.try_lock_for_update()
            locked.invalidate_recordset()
            todo = locked.filtered(is_due)
            process(todo)
            remaining = self.search_count(
                domain & Domain("id", "not in", seen_ids)
            ) + sum(self.search_count(later_domain) for later_domain in later)
            if not self._commit_batch(len(todo), remaining):
                return False

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
                lambda o, c=cycle: (
                    o.company_id._followup_date(o.date_order) > c.start_date
                )
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

    def _send_escalations(self):
        """Send the next escalation step of these reminded cycles, unless the
        customer bought the part (the cycle is then ordered), replied, opted
        out or cannot be reached by the step's channel, or the quotation was
        cancelled: the steps then stop, and the chatter says why."""
        if not self:
            return
        bought = self._find_parts_bought()
        for cycle, order in bought.items():
            cycle._mark_ordered(order)
        cycles = self - self.browse([c.id for c in bought])
        replies = cycles._find_replies()
        reminder = self.env["customer.replacement.reminder"]
        to_send = self.browse()
        for cycle in cycles:
            # the chatter note is for the salesperson, in their language
            cycle_for_salesperson = cycle.with_env(reminder._for_salesperson(cycle).env)
            stop = cycle_for_salesperson._escalation_stop_reason(replies.get(cycle))
            if stop:
                cycle._stop_escalation(*stop)
            else:
                to_send |= cycle
        reminder._send_steps(to_send)

    def _escalation_stop_reason(self, reply_date):
        """(stop, message) when the next step must not be sent, else None."""
        self.ensure_one()
        partner = self.partner_id
        if reply_date:
            return "replied", self.env._(
                "Reminders stopped: %(customer)s replied on %(date)s.",
                customer=partner.display_name,
                date=format_date(self.env, reply_date),
            )
        if partner.followup_no_replacement_reminder:
            return "opted_out", self.env._(
                "Reminders stopped: %(customer)s asked for no replacement reminders.",
                customer=partner.display_name,
            )
        quotation = self.quotation_id
        if not quotation or quotation.state == "cancel":
            return "quotation", self.env._(
                "Reminders stopped: the quotation %(quotation)s was cancelled.",
                quotation=quotation.name or "",
            )
        step = self._step(self.reminder_step + 1)
        policy = self.env["customer.followup.policy"]
        allowed, reasons = policy._choose(
            partner, step.touchpoint_type_id, policy._reminder_candidates()
        )
        reason = not allowed and reasons[0]
        if reason:
            # no contact of the policy's chain reaches the customer
            return "unreachable", self.env._(
                "Reminders stopped before step %(step)s (%(type)s): %(reason)s.",
                step=self.reminder_step + 1,
                type=step.touchpoint_type_id.display_name,
                reason=reason,
            )
        return None

    def _stop_escalation(self, stop, message):
        self.ensure_one()
        self.escalation_stop = stop
        self.message_post(body=message)

    def _find_replies(self):
        """Return {cycle: date} for the cycles whose customer replied after
        the last reminder: an inbound touchpoint of the customer, or a
        message the customer wrote on the cycle (a reply to the reminder
        mail) or on its quotation."""
        cycles = self.filtered("reminder_step_date")
        if not cycles:
            return {}
        since = min(cycles.mapped("reminder_step_date"))
        inbound = dict(
            self.env["customer.touchpoint"]
            .sudo()
            ._read_group(
                [
                    ("direction", "=", "inbound"),
                    ("partner_id", "in", cycles.partner_id.ids),
                    ("date", ">", since),
                ],
                ["partner_id"],
                ["date:max"],
            )
        )
        messages = (
            self.env["mail.message"]
            .sudo()
            .search_fetch(
                [
                    ("message_type", "in", ("email", "comment")),
                    ("date", ">", since),
                    ("author_id", "!=", False),
                    (
                        "author_id.commercial_partner_id",
                        "in",
                        cycles.partner_id.ids,
                    ),
                    "|",
                    "&",
                    ("model", "=", "customer.replacement"),
                    ("res_id", "in", cycles.ids),
                    "&",
                    ("model", "=", "sale.order"),
                    ("res_id", "in", cycles.quotation_id.ids),
                ],
                ["model", "res_id", "date", "author_id"],
            )
        )
        written = {}
        for message in messages:
            key = (message.model, message.res_id)
            written[key] = max(written.get(key, message.date), message.date)
        replies = {}
        for cycle in cycles:
            dates = [
                inbound.get(cycle.partner_id),
                written.get(("customer.replacement", cycle.id)),
                written.get(("sale.order", cycle.quotation_id.id)),
            ]
            dates = [d for d in dates if d and d > cycle.reminder_step_date]
            if dates:
                replies[cycle] = max(dates)
        return replies

    def _get_portal_quotation_url(self):
        """The link to the reminder quotation given to the customer (mail
        button, postcard): the portal page, in the customer's language."""
        self.ensure_one()
        quotation = self.quotation_id
        if not quotation:
            return False
        return quotation._get_followup_portal_url()

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
        self.check_access("write")
        self.filtered(lambda c: c.state in ("planned", "reminded")).write(
            {"state": "cancelled"}
        )
