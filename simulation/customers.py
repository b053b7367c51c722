"""The customers' day in the database: they order (by the world's draws),
accept or answer reminders, opt out, get blacklisted, send mourning notices
and go quiet. A mixin of the engine's ``Simulation``."""

import datetime

from . import shop as shop_module
from .world import (
    MOURNING_DAYS,
    MOURNING_SHARE,
    P_ACCEPT_QUOTE,
    P_BLACKLIST,
    P_GO_QUIET,
    P_OPT_OUT,
    P_REPLY,
)


def bought_product_ids(order):
    """The products the customer took in ``order``: not the optional lines
    left at quantity 0 (a reminder's bought-together or reorder offer), as
    the reorder learning and the reports count them."""
    return order.order_line.filtered(
        lambda line: line.product_uom_qty > 0 and not line.display_type
    ).product_id.ids


OPT_OUTS = {
    "followup_no_visit": "visit",
    "followup_no_call": "call",
    "followup_no_postal": "postal",
}


class CustomersMixin:
    def _customers(self, env, day):
        world = self.world
        decisions = world.decide_orders(day)
        items = [
            (
                d.customer,
                shop_module.order_lines(world, d.customer),
                d.would_have_ordered,
                d.caused,
            )
            for d in decisions
        ]
        self._place_orders(env, day, items)
        self._answer_reminders(env, day)
        self._life_events(env, day)

    def _answer_reminders(self, env, day):
        rng = self.world.rng
        cycles = env["customer.replacement"].search(
            [
                ("state", "=", "reminded"),
                ("quotation_id.state", "in", ("draft", "sent")),
                ("partner_id", "in", self.customer_ids),
            ]
        )
        accepted = env["sale.order"]
        for cycle in cycles:
            customer = self.world.customers[cycle.partner_id.id]
            if customer.quiet:
                continue
            if rng.random() < P_ACCEPT_QUOTE:
                accepted |= cycle.quotation_id
            elif (
                not cycle.escalation_stop
                and cycle.reminder_step_date
                and (day - cycle.reminder_step_date.date()).days <= 14
                and rng.random() < P_REPLY
            ):
                cycle.message_post(
                    body="Thank you, we will think about it.",
                    author_id=cycle.partner_id.id,
                    message_type="email",
                    subtype_xmlid="mail.mt_comment",
                )
                self.stats[day]["replies"] += 1
        if accepted:
            accepted.action_confirm()
            self.stats[day]["conversions"] += len(accepted)
            for order in accepted:
                customer = self.world.customers[order.partner_id.id]
                customer.last_order = day
                self.ledger.append(
                    (
                        customer.partner_id,
                        day,
                        bought_product_ids(order),
                        order.amount_untaxed,
                        True,
                    )
                )
                self.stats[day]["orders"] += 1
                self.stats[day]["revenue"] += order.amount_untaxed

    def _life_events(self, env, day):
        world = self.world
        rng = world.rng
        partners = env["res.partner"]
        now = datetime.datetime.now()
        mourning_season = (
            datetime.date(day.year, 11, 1) <= day <= datetime.date(day.year, 12, 10)
        )
        for customer in world.customers.values():
            partner = partners.browse(customer.partner_id)
            if world.chance(P_OPT_OUT):
                opt_out = rng.choice(sorted(OPT_OUTS))
                partner.write({opt_out: True})
                self.refusals[partner.id].setdefault(OPT_OUTS[opt_out], now)
                self.stats[day]["opt_outs"] += 1
            if world.chance(P_BLACKLIST):
                env["mail.blacklist"]._add(partner.email)
                self.refusals[partner.id].setdefault("email", now)
                self.stats[day]["blacklisted"] += 1
            if not customer.quiet and world.chance(P_GO_QUIET):
                customer.quiet = True
                self.stats[day]["went_quiet"] += 1
            if mourning_season and world.chance(MOURNING_SHARE / MOURNING_DAYS):
                partner.followup_mourning_date = day
                self.stats[day]["mourning"] += 1
