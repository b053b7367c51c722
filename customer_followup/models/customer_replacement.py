import logging

from dateutil.relativedelta import relativedelta
from markupsafe import escape

from odoo import api, fields, models
from odoo.fields import Command, Domain
from odoo.tools import format_amount, format_date

from .product_consumable_rule import CHANNELS
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
    channel = fields.Selection(
        CHANNELS,
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
        "channel",
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
        """Plan the next cycle of each record, from ``start_dates[record]``,
        for registrations still active and rules still active."""
        vals_list = []
        for record in self:
            if record.registration_id.state != "active" or not record.rule_id.active:
                continue
            vals_list.append(
                record.rule_id._cycle_vals(
                    record.registration_id, record.cycle + 1, start_dates[record]
                )
            )
        return self.sudo().create(vals_list)

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

    def _expire_due_cycles(self, today):
        """Expire every open cycle past its window and plan the next one from
        its due date, or from the first due date whose cycle is still open
        (a product registered long ago skips the cycles it missed)."""
        for _dummy in range(100):
            expired = self.search(
                [
                    ("state", "in", ("planned", "reminded")),
                    ("expiry_date", "<", today),
                ],
                limit=1000,
            )
            if not expired:
                return
            expired.write({"state": "expired"})
            expired._plan_next_cycles(
                {
                    record: record.rule_id._catch_up_start(record.due_date, today)
                    for record in expired
                }
            )
            self.env["ir.cron"]._commit_progress(len(expired))

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
    def _cron_send_reminders(self, batch_size=200):
        today = fields.Date.context_today(self)
        self = self.sudo()  # noqa: PLW0642
        self._expire_due_cycles(today)
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
            if not self.env["ir.cron"]._commit_progress(len(todo), remaining=remaining):
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

    def _effective_channel(self):
        """Return (channel, reason) after the customer's opt-outs."""
        self.ensure_one()
        partner = self.partner_id
        channel = self.rule_id.channel
        reason = False
        if channel == "email" and (not partner.email or partner.is_blacklisted):
            reason = (
                self.env._("the customer is blacklisted for emails")
                if partner.email
                else self.env._("the customer has no email address")
            )
            channel = "postal"
        if channel == "postal" and partner.followup_no_postal:
            reason = reason or self.env._("the customer does not want postal mail")
            channel = "activity"
        return channel, reason

    def _send_reminders(self):
        if not self:
            return
        bought = self._find_parts_bought()
        for cycle, order in bought.items():
            cycle._mark_ordered(order)
        cycles = self - self.browse([c.id for c in bought])
        if not cycles:
            return
        # the salesperson hears of these quotations through the overview and
        # the activities, not one assignment mail per quotation
        quotations = (
            self.env["sale.order"]
            .with_context(mail_auto_subscribe_no_notify=True)
            .create([cycle._prepare_quotation_vals() for cycle in cycles])
        )
        today = fields.Date.context_today(self)
        by_channel = {}
        for cycle, quotation in zip(cycles, quotations, strict=True):
            channel, reason = cycle._effective_channel()
            cycle.write(
                {
                    "state": "reminded",
                    "reminded_date": today,
                    "quotation_id": quotation.id,
                    "channel": channel,
                }
            )
            if reason:
                cycle.message_post(
                    body=self.env._(
                        "Reminder sent by %(channel)s instead of %(rule_channel)s: "
                        "%(reason)s.",
                        channel=dict(CHANNELS)[channel],
                        rule_channel=dict(CHANNELS)[cycle.rule_id.channel],
                        reason=reason,
                    )
                )
            by_channel.setdefault(channel, self.browse())
            by_channel[channel] |= cycle
        if email_cycles := by_channel.get("email"):
            email_cycles._send_reminder_emails()
        if activity_cycles := by_channel.get("activity"):
            activity_cycles._schedule_reminder_activities()
        if lead_cycles := by_channel.get("opportunity"):
            lead_cycles._create_reminder_opportunities()
        # Email and postal reminders reach the customer now: log them. Activity
        # and opportunity reminders only ask the salesperson to call; the call
        # logs its touchpoint when the activity is marked done.
        touchpoint_cycles = by_channel.get("email", self.browse()) | by_channel.get(
            "postal", self.browse()
        )
        touchpoint_cycles._log_reminder_touchpoints()

    def _prepare_quotation_vals(self):
        self.ensure_one()
        partner = self.partner_id
        return {
            "partner_id": partner.id,
            "company_id": self.company_id.id,
            "user_id": partner.user_id.id,
            "origin": self.env._(
                "Replacement of %(product)s", product=self.product_id.display_name
            ),
            "order_line": [
                Command.create(
                    {
                        "product_id": self.part_product_id.id,
                        "product_uom_qty": self.rule_id.quantity,
                    }
                )
            ],
        }

    def _send_reminder_emails(self):
        for quotation in self.quotation_id:
            quotation._portal_ensure_token()
        default_template = self.env.ref(
            "customer_followup.mail_template_replacement_reminder"
        )
        for template, cycles in self.grouped(
            lambda c: c.rule_id.mail_template_id or default_template
        ).items():
            template.send_mail_batch(cycles.ids, force_send=False)

    def _schedule_reminder_activities(self):
        activity_type = self.env.ref("mail.mail_activity_data_call")
        for cycle in self:
            cycle._schedule_call(cycle.quotation_id, activity_type)

    def _create_reminder_opportunities(self):
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": cycle._for_salesperson()._reminder_summary(),
                    "type": "opportunity",
                    "partner_id": cycle.partner_id.id,
                    "user_id": cycle.partner_id.user_id.id,
                    "company_id": cycle.company_id.id,
                    "expected_revenue": cycle.quotation_id.amount_untaxed,
                    "date_deadline": cycle.due_date,
                    "description": cycle._for_salesperson()._reminder_note(),
                }
                for cycle in self
            ]
        )
        activity_type = self.env.ref("mail.mail_activity_data_call")
        for cycle, lead in zip(self, leads, strict=True):
            cycle.lead_id = lead
            cycle._schedule_call(lead, activity_type)

    def _schedule_call(self, record, activity_type):
        """Ask the salesperson, in their language, to call about this cycle."""
        self.ensure_one()
        cycle = self._for_salesperson()
        record.activity_schedule(
            activity_type_id=activity_type.id,
            date_deadline=max(self.due_date, fields.Date.context_today(self)),
            summary=cycle._reminder_summary(),
            note=cycle._reminder_note(),
            user_id=self._salesperson().id,
        )

    def _log_reminder_touchpoints(self):
        types = {
            "email": self.env.ref("customer_followup.touchpoint_type_email"),
            "postal": self.env.ref("customer_followup.touchpoint_type_printed_mail"),
        }
        touchpoints = self.env["customer.touchpoint"].create(
            [
                {
                    "partner_id": cycle.partner_id.id,
                    "type_id": types[cycle.channel].id,
                    "user_id": cycle.partner_id.user_id.id,
                    "summary": cycle._for_salesperson()._reminder_summary(),
                    "sale_order_id": cycle.quotation_id.id,
                    "origin": "reminder",
                    "company_id": cycle.company_id.id,
                }
                for cycle in self
            ]
        )
        for cycle, touchpoint in zip(self, touchpoints, strict=True):
            cycle.touchpoint_id = touchpoint

    def _salesperson(self):
        return self.partner_id.user_id or self.env.user

    def _for_salesperson(self):
        """The cycle in the language of the salesperson who reads its
        activities, opportunities and touchpoints."""
        return self.with_context(lang=self._salesperson().lang or self.env.lang)

    def _reminder_summary(self):
        self.ensure_one()
        return self.env._(
            "Replace the %(part)s of %(product)s",
            part=self.part_product_id.name,
            product=self.product_id.name,
        )

    def _reminder_note(self):
        """The reminder for the salesperson, as HTML: names typed by users
        (customer, products) are escaped."""
        self.ensure_one()
        return escape(
            self.env._(
                "%(customer)s bought %(product)s on %(date)s; the %(part)s is due on "
                "%(due)s. Quotation: %(quotation)s.",
                customer=self.partner_id.name,
                product=self.product_id.display_name,
                date=self.registration_id.purchase_date,
                part=self.part_product_id.display_name,
                due=self.due_date,
                quotation=self.quotation_id.name,
            )
        )

    def _get_portal_quotation_url(self):
        self.ensure_one()
        quotation = self.quotation_id
        if not quotation:
            return False
        return quotation.get_base_url() + quotation.get_portal_url()

    def _get_hagaki_texts(self):
        """Whole sentences of the postcard, in the customer's language: a QWeb
        report would cut them at every dynamic value, and Japanese puts the
        date and the product before the verb."""
        self.ensure_one()
        cycle = self.with_context(lang=self.partner_id.lang or self.env.lang)
        env = cycle.env
        product, part = cycle.product_id, cycle.part_product_id
        purchase = format_date(env, cycle.registration_id.purchase_date)
        texts = {
            "title": env._("Time to replace the %(part)s", part=part.name),
            "due": env._(
                "Its %(part)s should be replaced every %(months)s months: "
                "it is due on %(date)s.",
                part=part.name,
                months=cycle.rule_id.interval_months,
                date=format_date(env, cycle.due_date),
            ),
        }
        if product.default_code:
            texts["bought"] = env._(
                "You bought a %(product)s (model %(model)s) on %(date)s.",
                product=product.name,
                model=product.default_code,
                date=purchase,
            )
        else:
            texts["bought"] = env._(
                "You bought a %(product)s on %(date)s.",
                product=product.name,
                date=purchase,
            )
        if part.default_code:
            texts["part"] = env._(
                "The part for your model: %(part)s (ref. %(ref)s)",
                part=part.name,
                ref=part.default_code,
            )
        else:
            texts["part"] = env._("The part for your model: %(part)s", part=part.name)
        quotation = cycle.quotation_id
        if quotation:
            texts["price"] = env._(
                "Price: %(price)s",
                price=format_amount(env, quotation.amount_total, quotation.currency_id),
            )
            texts["order"] = env._(
                "Quotation %(name)s: order online at %(url)s or call us.",
                name=quotation.name,
                url=cycle._get_portal_quotation_url(),
            )
        return texts

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
