# One model, one file per concept (see the base model's docstring).
# pylint: disable=consider-merging-classes-inherited
from odoo import models
from odoo.fields import Domain
from odoo.tools import format_date


class CustomerReplacement(models.Model):
    """The escalation of a reminded cycle: its next step is sent by the
    reminders' one code path, unless the customer replied (a touchpoint or a
    message), opted out, or the quotation was cancelled."""

    _inherit = "customer.replacement"

    def _send_escalations(self):
        """Send the next escalation step of these reminded cycles, unless the
        customer bought the part (the cycle is then ordered), replied or opted
        out, or the quotation was cancelled: the steps then stop, and the
        chatter says why (as when no contact can reach the customer)."""
        if not self:
            return
        # the cycles of one quotation reminded together escalate together:
        # the first of them due takes the others at the same step along
        # (their rules may wait longer), so that the customer gets one
        # reminder per step, even when the cycles came in different batches
        today = self.env.company._followup_today()
        steps = {(cycle.quotation_id.id, cycle.reminder_step) for cycle in self}
        cycles = self | self._locked_siblings(
            self._escalation_domain(today, due_only=False)
            & Domain([("quotation_id", "in", self.quotation_id.ids)]),
            lambda c: (
                c.next_step_date and (c.quotation_id.id, c.reminder_step) in steps
            ),
        )
        bought = cycles._find_parts_bought()
        for cycle, order in bought.items():
            cycle._mark_ordered(order)
        cycles -= self.browse([c.id for c in bought])
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
        reminder._send_step(to_send)

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
        # a step no contact reaches stops when it is sent (the reminders'
        # contact choice, the same for every step)
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
        # a reply to a reminder of several cycles is on its leading cycle
        reminded_with = (
            self.search([("quotation_id", "in", cycles.quotation_id.ids)]) | cycles
        )
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
                    ("res_id", "in", reminded_with.ids),
                    "&",
                    ("model", "=", "sale.order"),
                    ("res_id", "in", cycles.quotation_id.ids),
                ],
                ["model", "res_id", "date", "author_id"],
            )
        )
        quotation_of = {c.id: c.quotation_id.id for c in reminded_with}
        written = {}
        for message in messages:
            key = (message.model, message.res_id)
            if message.model == "customer.replacement":
                key = (
                    ("sale.order", quotation_of[message.res_id])
                    if quotation_of[message.res_id]
                    else key
                )
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
