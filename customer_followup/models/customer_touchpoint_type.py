from odoo import api, fields, models

from .value_range import MaxLength, ValueRange

CHANNELS = [
    ("visit", "Visit"),
    ("call", "Phone call"),
    ("letter", "Letter"),
    ("postcard", "Postcard"),
    ("printed_mail", "Printed mail"),
    ("email", "Email"),
    ("other", "Other"),
]
# The channels that go through the post.
POSTAL_CHANNELS = ("letter", "postcard", "printed_mail")


class CustomerTouchpointType(models.Model):
    _name = "customer.touchpoint.type"
    _inherit = ["customer.followup.guard"]
    _description = "Touchpoint Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    channel = fields.Selection(CHANNELS, required=True, default="other")
    weight = fields.Float(
        required=True,
        default=1.0,
        help="Effort and effect of one contact of this type, e.g. printed card 1, "
        "personal letter 3, face-to-face visit 10.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        ondelete="set null",
        help="Marking an activity of this type as done logs a touchpoint of this type.",
    )
    capacity_per_user_month = fields.Integer(
        string="Capacity per Salesperson and Month",
        required=True,
        default=0,
        help="How many planned contacts of this type one salesperson can make in a "
        "month. 0 means unlimited.",
    )
    yearly_budget = fields.Integer(
        required=True,
        default=0,
        help="How many contacts of this type the company can afford in a year, "
        "campaigns and planned follow-ups together (e.g. 1,000 handwritten "
        "postcards). Campaigns give them to the customers who matter most and "
        "the others a cheaper contact. 0 means unlimited.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()

    _name_length = MaxLength("name", 128)
    _weight_range = ValueRange("weight", 0.1, 100.0)
    _capacity_range = ValueRange("capacity_per_user_month", 0, 10000)
    _yearly_budget_range = ValueRange("yearly_budget", 0, 1000000)
    _sequence_range = ValueRange("sequence", 0, 1000000)
    _color_range = ValueRange("color", 0, 11)
    _activity_type_unique = models.UniqueIndex(
        "(activity_type_id) WHERE activity_type_id IS NOT NULL AND active",
        "An activity type can be mapped to one active touchpoint type only.",
    )

    @api.model
    def _for_activity_type(self, activity_type):
        """Return the active touchpoint type mapped to ``activity_type``."""
        if not activity_type:
            return self.browse()
        return self.search([("activity_type_id", "=", activity_type.id)], limit=1)

    @api.model
    def _for_channel(self, channel):
        """Return the first active touchpoint type of ``channel``."""
        return self.search([("channel", "=", channel)], limit=1)
