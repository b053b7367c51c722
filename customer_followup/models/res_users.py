from odoo import fields, models


class ResUsers(models.Model):
    _name = "res.users"
    _inherit = ["res.users", "customer.followup.guard"]
    _followup_system_fields = ("followup_slipping_week",)

    followup_slipping_week = fields.Date(
        string="Slipping Customers Mailed For",
        readonly=True,
        copy=False,
        help="The first day of the last week whose 'customers slipping away' "
        "mail this user got: at most one a week.",
    )
