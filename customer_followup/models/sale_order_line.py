from odoo import fields, models


class SaleOrderLine(models.Model):
    """The reminder quotation's line of a replacement cycle: a customer's
    reminder quotation has one line per part due, so that ordering one part
    ends that part's cycle only."""

    _inherit = "sale.order.line"

    followup_replacement_id = fields.Many2one(
        "customer.replacement",
        string="Replacement Cycle",
        index="btree_not_null",
        copy=False,
        readonly=True,
        ondelete="set null",
    )
