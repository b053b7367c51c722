# Copyright 2026 customer_followup contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

# How a contact is made, by the channel of its touchpoint type (what the
# contact is): the salesperson makes visits, calls, letters and handwritten
# postcards; printed mail goes out as a printed batch; emails are sent.
MADE_BY = {
    "visit": "salesperson",
    "call": "salesperson",
    "letter": "salesperson",
    "postcard": "salesperson",
    "printed_mail": "printed",
    "email": "email",
}
# The reminders' delivery of each way of making a contact.
REMINDER_DELIVERY = {"salesperson": "activity", "printed": "print", "email": "mail"}


class CustomerFollowupPolicy(models.AbstractModel):
    """The one contact policy: whether a customer may be contacted by a kind
    of contact and why not, and the one fallback chain. The planner, the
    campaigns, the replacement and reorder reminders and their escalation
    steps choose through it."""

    _name = "customer.followup.policy"
    _description = "Follow-up Contact Policy"

    @api.model
    def _blocked_reason(self, partner, touchpoint_type):
        """Why ``partner`` cannot be contacted by ``touchpoint_type``,
        translated, or False (opt-outs, no email or blacklisted)."""
        return partner._followup_blocked_reason(touchpoint_type.channel)

    @api.model
    def _chain(self, wanted, candidates):
        """``wanted``, then the ``candidates`` not heavier than it, heaviest
        first (then by sequence): the order in which a contact falls back."""
        cheaper = candidates.filtered(
            lambda t: t != wanted and t.weight <= wanted.weight
        ).sorted(lambda t: (-t.weight, t.sequence, t.id))
        return wanted | cheaper

    @api.model
    def _choose(self, partner, wanted, candidates, blocked=None):
        """Return (touchpoint type or empty, reasons): the first contact of
        ``_chain`` allowed for ``partner``, with the reasons of the contacts
        passed over. ``blocked(type)`` adds the caller's own reason (a used
        up budget, say) to the customer's refusals."""
        reasons = []
        if not self._blocked_reason(partner, wanted) and not (
            blocked and blocked(wanted)
        ):
            # most customers take the wanted contact: no chain to sort
            return wanted, reasons
        for touchpoint_type in self._chain(wanted, candidates):
            reason = self._blocked_reason(partner, touchpoint_type) or (
                blocked and blocked(touchpoint_type)
            )
            if not reason:
                return touchpoint_type, reasons
            if reason not in reasons:
                reasons.append(reason)
        return wanted.browse(), reasons

    @api.model
    def _reminder_candidates(self):
        """The kinds of contact a reminder can be made by: one per way of
        making it (the first type of each channel)."""
        types = self.env["customer.touchpoint.type"].search(
            [("channel", "in", list(MADE_BY))]
        )
        first = {}
        for touchpoint_type in types:
            first.setdefault(touchpoint_type.channel, touchpoint_type)
        return types.browse([t.id for t in first.values()])

    @api.model
    def _reminder_delivery(self, touchpoint_type, wanted_delivery):
        """The delivery of a reminder by ``touchpoint_type``: the planned one
        for the planned contact, else by who makes the contact."""
        made_by = MADE_BY.get(touchpoint_type.channel)
        if wanted_delivery in ("activity", "opportunity") and made_by == "salesperson":
            return wanted_delivery
        return REMINDER_DELIVERY.get(made_by, "activity")
