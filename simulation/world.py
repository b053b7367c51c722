"""The customers' side of the simulation, in plain Python: their habits, the
known effect of the contacts they receive, and the random draws of a day.

Nothing here touches Odoo: ``engine`` asks this module what each customer
does today and writes it through the ORM.

The effect of contact is known: every contact received in the last
``EFFECT_DAYS`` days adds ``UPLIFT[channel] * effect`` to the customer's
probability of ordering that day. The same uniform draw decides the order
with every contact, and without the planner's follow-ups (common random
numbers), so that the true uplift of the planned contacts is known for
every customer and day: ``ordered`` versus ``would_have_ordered``.
"""

import random
from dataclasses import dataclass, field

EFFECT_DAYS = 30
# added daily order probability per contact received in the last 30 days,
# by channel (effect 1.0): a visit lifts a customer's month noticeably, an
# email barely
UPLIFT = {
    "visit": 0.010,
    "call": 0.006,
    "letter": 0.006,
    "postcard": 0.005,
    "printed_mail": 0.003,
    "email": 0.001,
    "other": 0.0,
}
MAX_UPLIFT = 0.03

SEGMENTS = {
    # share of the customers, daily order probability between habits
    "regular": {"share": 0.30, "base": 0.004},
    "occasional": {"share": 0.45, "base": 1 / 150},
    "dormant": {"share": 0.25, "base": 1 / 2000},
}
# a regular orders with this probability each day once its interval passed
REGULAR_DUE = 0.30
# daily probabilities of the other events of a customer
P_OPT_OUT = 0.0004
P_BLACKLIST = 0.0003
P_GO_QUIET = 0.0004
P_REPLY = 0.04  # per day, while a reminder of the last 14 days is unanswered
P_ACCEPT_QUOTE = 0.03  # per day, while a reminder quotation is open
MOURNING_SHARE = 0.04  # of the customers, in November and early December
MOURNING_DAYS = 40  # 1 November to 10 December


@dataclass
class Customer:
    partner_id: int
    segment: str
    user_id: int
    interval: int = 0  # regulars: their own reorder interval in days
    last_order: object = None  # shop day
    quiet: bool = False
    # (day, channel, planned by the planner)
    contacts: list = field(default_factory=list)

    def base_probability(self, day):
        if self.quiet:
            return 0.0
        if self.segment == "regular" and self.last_order:
            if (day - self.last_order).days >= self.interval:
                return REGULAR_DUE
        return SEGMENTS[self.segment]["base"]

    def uplift(self, day, effect, with_planned=True):
        return self.uplifts(day, effect)[0 if with_planned else 1]

    def uplifts(self, day, effect):
        """(uplift of every contact, of the contacts not planned by the
        planner, {channel: its part of the uncapped uplift of every
        contact}) of the contacts of the last ``EFFECT_DAYS`` days."""
        total = unplanned = 0.0
        by_channel = {}
        for contact_day, channel, planned in self.contacts:
            if 0 < (day - contact_day).days <= EFFECT_DAYS:
                value = UPLIFT.get(channel, 0.0)
                total += value
                if not planned:
                    unplanned += value
                by_channel[channel] = by_channel.get(channel, 0.0) + value
        return (
            min(total, MAX_UPLIFT) * effect,
            min(unplanned, MAX_UPLIFT) * effect,
            by_channel,
        )

    def prune_contacts(self, day):
        self.contacts = [
            contact
            for contact in self.contacts
            if (day - contact[0]).days <= EFFECT_DAYS
        ]


@dataclass
class Decision:
    """A customer orders today: ``would_have_ordered`` says whether it would
    have without the planner's follow-ups of the last 30 days (same draw);
    ``caused``: {channel: share} when the order is due to the contacts of the
    last 30 days (the draw fell in the uplift above the customer's habit),
    shared among their channels by their uplift (empty otherwise)."""

    customer: Customer
    would_have_ordered: bool
    caused: dict = field(default_factory=dict)


class World:
    def __init__(self, seed, effect):
        self.rng = random.Random(seed)
        self.effect = effect
        self.customers = {}

    def new_customer(self, partner_id, user_id):
        draw = self.rng.random()
        segment = "dormant"
        for name, spec in SEGMENTS.items():
            if draw < spec["share"]:
                segment = name
                break
            draw -= spec["share"]
        customer = Customer(partner_id, segment, user_id)
        if segment == "regular":
            customer.interval = self.rng.choice([14, 21, 28, 30, 35, 45, 60])
        self.customers[partner_id] = customer
        return customer

    def decide_orders(self, day):
        decisions = []
        for customer in self.customers.values():
            base = customer.base_probability(day)
            every, unplanned, by_channel = customer.uplifts(day, self.effect)
            with_all = min(1.0, base + every)
            without_planned = min(1.0, base + unplanned)
            draw = self.rng.random()
            if draw < with_all:
                total = sum(by_channel.values())
                caused = (
                    {channel: value / total for channel, value in by_channel.items()}
                    if draw >= base and total
                    else {}
                )
                decisions.append(Decision(customer, draw < without_planned, caused))
            customer.prune_contacts(day)
        return decisions

    def chance(self, probability):
        return self.rng.random() < probability
