# One model, one file per concept (see the base model's docstring).
# pylint: disable=consider-merging-classes-inherited
from datetime import timedelta

from odoo import api, models
from odoo.fields import Domain


class CustomerReplacement(models.Model):
    """The scheduler of the replacement cycles: the nightly job expires the
    cycles past their window, plans the learned ones, then sends the due
    first reminders and the due later steps, in locked batches within the
    cron's time budget."""

    _inherit = "customer.replacement"

    @api.model
    def _commit_batch(self, processed, remaining):
        """Commit a batch and tell whether time is left, in a cron run only:
        called from anywhere else (a test, a shell, another method), the work
        stays in the caller's transaction and nothing stops it."""
        if not self.env.context.get("ir_cron_progress_id"):
            return True
        return self.env["ir.cron"]._commit_progress(processed, remaining=remaining)

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
    def _reminder_domain(self, today, until=None):
        """The cycles to remind today, or due to be reminded by ``until``."""
        return self._open_cycle_domain(today) & Domain(
            [
                ("state", "=", "planned"),
                ("remind_date", "<=", until or today),
                ("partner_id.followup_no_replacement_reminder", "=", False),
            ]
        )

    @api.model
    def _escalation_domain(self, today, due_only=True):
        """Reminded cycles with a next escalation step: due by ``today``, or
        any date without ``due_only``."""
        return self._open_cycle_domain(today) & Domain(
            [
                ("state", "=", "reminded"),
                ("next_step_date", "<=", today)
                if due_only
                else ("next_step_date", "!=", False),
            ]
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
        # what the history says is bought with each part, read once per run
        # rather than once per batch (it reads every order line)
        companions = {}
        if not self._process_locked(
            reminders,
            lambda cycle: cycle.state == "planned",
            lambda cycles: cycles._send_reminders(companions=companions),
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
        again under the lock), are left out; a batch that fails to serialize
        against a request is run again. Returns False when the cron's time is
        used up (the ``later`` domains count as remaining work)."""
        seen_ids = []
        while True:
            batch = self.search(
                domain & Domain("id", "not in", seen_ids), limit=batch_size, order=order
            )
            if not batch:
                return True
            seen_ids += batch.ids
            done = self.env["ir.cron"]._followup_retrying(
                lambda batch=batch: self._process_batch(batch, is_due, process)
            )
            remaining = self.search_count(
                domain & Domain("id", "not in", seen_ids)
            ) + sum(self.search_count(later_domain) for later_domain in later)
            if not self._commit_batch(done, remaining):
                return False

    @api.model
    def _process_batch(self, batch, is_due, process):
        """Lock ``batch``, process its cycles still due; return how many."""
        locked = batch.try_lock_for_update()
        locked.invalidate_recordset()
        todo = locked.filtered(is_due)
        self.env["ir.cron"]._followup_lock_for_batch(
            todo.partner_id | todo.partner_id.commercial_partner_id
        )
        process(todo)
        return len(todo)

    def _find_parts_bought(self):
        """Return {cycle: confirmed order} for the cycles whose customer already
        bought the part since the cycle started (as many cycles as the
        quantities bought cover)."""
        if not self:
            return {}
        lines = (
            self.env["sale.order.line"]
            .sudo()
            .search_fetch(
                Domain(
                    "order_id",
                    "any",
                    self.env["sale.order"]._followup_confirmed_domain(
                        self.partner_id, since=min(self.mapped("start_date"))
                    ),
                )
                & Domain("product_id", "in", self.part_product_id.ids)
                # an optional product the customer did not take
                & Domain("product_uom_qty", ">", 0),
                ["order_id", "product_id", "product_uom_qty", "product_uom_id"],
                order="id",
            )
        )
        return self._covered_by(lines)

    def _send_reminders(self, companions=None):
        """Remind the customers of these due cycles, unless they bought the
        part already: the cycle is then ordered. ``companions`` caches the
        products bought with the parts over the batches of a run."""
        if not self:
            return
        cycles = self | self._due_soon_siblings()
        bought = cycles._find_parts_bought()
        for cycle, order in bought.items():
            cycle._mark_ordered(order)
        cycles -= self.browse([c.id for c in bought])
        self.env["customer.replacement.reminder"]._send_step(
            cycles, companions=companions
        )

    def _due_soon_siblings(self):
        """The other planned cycles of these cycles' customers whose reminder
        is due within the company's grouping days: they join the customer's
        one reminder (and quotation) now rather than make another one days
        later. Those another worker holds are left to it."""
        today = self.env.company._followup_today()
        days = max(self.company_id.mapped("followup_reminder_group_days"))
        return self._locked_siblings(
            self._reminder_domain(today, until=today + timedelta(days=days)),
            lambda c: (
                c.state == "planned"
                and c.remind_date
                <= today + timedelta(days=c.company_id.followup_reminder_group_days)
            ),
        )

    def _locked_siblings(self, domain, is_due):
        """The cycles of ``domain`` of the same customers and companies as
        these, but not these, that we could lock and are still due."""
        reminder = self.env["customer.replacement.reminder"]
        keys = {reminder._group_key(c) for c in self}
        customers = self.partner_id.commercial_partner_id
        siblings = self.search(
            domain
            & Domain("partner_id.commercial_partner_id", "in", customers.ids)
            & Domain("id", "not in", self.ids)
        ).filtered(lambda c: reminder._group_key(c) in keys)
        locked = siblings.try_lock_for_update()
        locked.invalidate_recordset()
        return locked.filtered(is_due)
