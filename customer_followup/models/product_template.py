from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    consumable_rule_ids = fields.One2many(
        "product.consumable.rule",
        "product_tmpl_id",
        string="Replacement Rules",
        help="Consumable parts the owners of this product should replace periodically.",
    )
    followup_durable = fields.Boolean(
        string="Durable Product",
        help="Customers keep it for years: the consumables its buyers buy "
        "later are suggested as replacement rules.",
    )
    followup_replenishable = fields.Boolean(
        string="Replenishable",
        help="Customers buy it again and again: each customer who bought it "
        "regularly is reminded when the interval learned from their orders "
        "comes round, unless a replacement rule already reminds them of it.",
    )
