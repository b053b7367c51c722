from odoo import fields, models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "customer.touchpoint.mixin"]

    _touchpoint_link_field = "sale_order_id"
    _touchpoint_dialog_key = "order"

    touchpoint_ids = fields.One2many(
        "customer.touchpoint", "sale_order_id", string="Touchpoints"
    )
    touchpoint_count = fields.Integer(compute="_compute_touchpoint_count")
