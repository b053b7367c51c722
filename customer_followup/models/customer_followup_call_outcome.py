from odoo import fields, models

from .value_range import MaxLength, ValueRange

NEXT_STEPS = [
    ("none", "Nothing"),
    ("call_back", "Call back on a date"),
    ("retry", "Try again, then the next allowed contact"),
    ("opt_out", "Propose the opt-out"),
    ("archive", "Propose archiving the customer"),
]


class CustomerFollowupCallOutcome(models.Model):
    """What came of a call or a visit, and what follows from it."""

    _name = "customer.followup.call.outcome"
    _inherit = ["customer.followup.guard"]
    _description = "Call Outcome"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    reached = fields.Boolean(
        string="Customer Reached",
        help="The salesperson spoke with the customer: counted in the reached "
        "rate of the effect report.",
    )
    counts_as_contact = fields.Boolean(
        string="Keeps the Cadence",
        default=True,
        help="A contact with this outcome keeps the tier's cadence (a call "
        "nobody answered does not).",
    )
    next_step = fields.Selection(
        NEXT_STEPS,
        required=True,
        default="none",
        help="Call back: an activity on the date given. Try again: the same "
        "contact again after the days below; after the tries below, the next "
        "contact the customer allows. Opt-out and archiving are proposed, "
        "never applied without the salesperson.",
    )
    retry_days = fields.Integer(
        string="Try Again After (days)",
        default=2,
        help="Days until the next try when nobody answered.",
    )
    max_tries = fields.Integer(
        string="Tries Before Switching",
        default=3,
        help="Unanswered tries in a row after which the next allowed contact "
        "is planned instead.",
    )

    _name_length = MaxLength("name", 128)
    _sequence_range = ValueRange("sequence", 0, 1000000)
    _retry_days_range = ValueRange("retry_days", 1, 365)
    _max_tries_range = ValueRange("max_tries", 1, 20)
