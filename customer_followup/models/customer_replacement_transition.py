# One model, one file per concept (see the base model's docstring).
# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict

from odoo import api, models
from odoo.fields import Domain
from odoo.tools import float_compare


class CustomerReplacement(models.Model):
    """The transitions of a cycle: ordered (the next cycle from the order
    date), expired (the next one from its due date, caught up)."""

    _inherit = "customer.replacement"

    # ------------------------------------------------------------------
    # Cycle transitions
    # ------------------------------------------------------------------

    def _plan_next_cycles(self, start_dates):
        """Plan the cycle after each of these (ordered or expired) cycles,
        from ``start_dates[cycle]``. A learned cycle has no next one here:
        the nightly job learns the next expected date from the new order."""
        cycles = self.filtered(lambda c: c.source == "rule")
        return self._plan_rule_cycles(
            {
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
        self._drop_from_quotations(order)
        self._plan_next_cycles(dict.fromkeys(self, order_date))

    def _drop_from_quotations(self, order):
        """The reminder quotations of these cycles, ordered in ``order``, no
        longer offer their parts: a quotation that still reminds the
        customer of other cycles loses these cycles' lines only, another is
        cancelled."""
        quotations = self.quotation_id.filtered(
            lambda q: q != order and q.state in ("draft", "sent")
        )
        if not quotations:
            return
        still_open = self.search(
            [
                ("quotation_id", "in", quotations.ids),
                ("state", "in", ("planned", "reminded")),
                ("id", "not in", self.ids),
            ]
        )
        shared = still_open.quotation_id
        shared.order_line.filtered(
            lambda line: line.followup_replacement_id in self
        ).unlink()
        if stale := quotations - shared:
            stale._action_cancel()
            # nobody should call the customer about parts already ordered
            call = self.env.ref("mail.mail_activity_data_call")
            reminder_types = self.touchpoint_type_id.activity_type_id | call
            stale.activity_ids.filtered(
                lambda activity: activity.activity_type_id in reminder_types
            ).action_cancel()

    @api.model
    def _on_order_confirmed(self, orders):
        """Close the open cycles whose part is in a confirmed order, as many
        as the order's quantity of the part covers."""
        orders = orders.filtered(lambda o: o.state == "sale")
        # an optional product the customer did not take is not ordered
        bought = orders.order_line.filtered(lambda line: line.product_uom_qty > 0)
        if not bought.product_id:
            return
        cycles = self.sudo().search(
            [
                ("state", "in", ("planned", "reminded")),
                ("partner_id", "in", orders.partner_id.commercial_partner_id.ids),
                ("part_product_id", "in", bought.product_id.ids),
            ]
        )
        covered = cycles._covered_by(bought, same_day=True)
        for order in orders:
            cycles.browse(
                [cycle.id for cycle, by in covered.items() if by == order]
            )._mark_ordered(order)

    def _covered_by(self, lines, same_day=False):
        """{cycle: order}: the cycles of ``self`` that the part lines
        ``lines`` (of confirmed orders) cover. An order covers the cycles of
        its customer and part that started before its day (or on it, with
        ``same_day``), the earliest due first, as many as its quantity of the
        part buys (each cycle takes its quotation's quantity), less the
        cycles it closed already: a customer who owns two machines and buys
        one filter is still reminded of the other's."""
        if not self or not lines:
            return {}
        quantity = self.env["customer.replacement.reminder"]._quantity
        waiting = defaultdict(list)
        for cycle in self.sorted(lambda c: (c.due_date, c.id)):
            waiting[(cycle.partner_id, cycle.part_product_id)].append(cycle)
        left = defaultdict(float)
        for line in lines:
            left[line.order_id, line.product_id] += (
                line.product_uom_id._compute_quantity(
                    line.product_uom_qty, line.product_id.uom_id, round=False
                )
            )
        for cycle in self.sudo().search(
            [
                ("state", "=", "ordered"),
                ("order_id", "in", lines.order_id.ids),
                ("part_product_id", "in", lines.product_id.ids),
            ]
        ):
            left[cycle.order_id, cycle.part_product_id] -= quantity(cycle)
        covered = {}
        for (order, part), qty in sorted(
            left.items(), key=lambda item: (item[0][0].date_order, item[0][0].id)
        ):
            day = order.company_id._followup_date(order.date_order)
            key = (order.partner_id.commercial_partner_id, part)
            for cycle in list(waiting[key]):
                if (
                    float_compare(qty, 0.0, precision_rounding=part.uom_id.rounding)
                    <= 0
                ):
                    break
                if cycle.start_date > day or (cycle.start_date == day and not same_day):
                    continue
                covered[cycle] = order
                waiting[key].remove(cycle)
                qty -= quantity(cycle)
        return covered

    @api.model
    def _expiry_domain(self, today):
        return Domain(
            [
                ("state", "in", ("planned", "reminded")),
                ("expiry_date", "<", today),
            ]
        )

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
