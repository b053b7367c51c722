from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.customer_replacement import SOURCES
from ..models.product_consumable_rule import DELIVERIES


class CustomerReplacementReport(models.Model):
    _name = "customer.replacement.report"
    _description = "Replacement Reminder Conversion"
    _auto = False
    _order = "date desc"

    date = fields.Date(
        readonly=True, help="Reminder date, or due date when no reminder was sent."
    )
    source = fields.Selection(SOURCES, readonly=True)
    rule_id = fields.Many2one("product.consumable.rule", readonly=True)
    product_id = fields.Many2one("product.product", "Owned Product", readonly=True)
    part_product_id = fields.Many2one(
        "product.product",
        "Part",
        readonly=True,
        help="The replacement part, or the replenishable product of a learned "
        "reorder reminder.",
    )
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    touchpoint_type_id = fields.Many2one("customer.touchpoint.type", readonly=True)
    delivery = fields.Selection(DELIVERIES, string="Channel Used", readonly=True)
    step = fields.Integer(
        "Reminder Step",
        readonly=True,
        aggregator=None,
        help="The last reminder step sent, the one that led to the order for "
        "ordered cycles: 1 is the first reminder, 2 the rule's first "
        "escalation step, and so on. Channel and touchpoint type are those "
        "of this step.",
    )
    state = fields.Selection(
        [
            ("reminded", "Reminded"),
            ("ordered", "Ordered"),
            ("expired", "Expired"),
        ],
        readonly=True,
    )
    reminded_count = fields.Integer("Reminded", readonly=True, aggregator="sum")
    ordered_count = fields.Integer("Ordered", readonly=True, aggregator="sum")
    conversion_rate = fields.Float(
        "Conversion Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the reminded cycles that ended with an order.",
    )
    order_amount = fields.Float("Parts Revenue", readonly=True, aggregator="sum")

    def _query(self):
        # conversion_rate is NULL for cycles never reminded, so that its
        # average is "ordered after a reminder / reminded".
        return SQL(
            """
            SELECT r.id AS id,
                   COALESCE(r.reminded_date, r.due_date) AS date,
                   r.source, r.rule_id, r.product_id, r.part_product_id, r.partner_id,
                   r.company_id, r.touchpoint_type_id, r.delivery, r.state,
                   NULLIF(r.reminder_step, 0) AS step,
                   CASE WHEN r.reminded_date IS NOT NULL THEN 1 ELSE 0 END
                       AS reminded_count,
                   CASE WHEN r.state = 'ordered' THEN 1 ELSE 0 END AS ordered_count,
                   CASE WHEN r.reminded_date IS NULL THEN NULL
                        WHEN r.state = 'ordered' THEN 100.0 ELSE 0.0 END
                       AS conversion_rate,
                   COALESCE(r.order_amount, 0.0) AS order_amount
              FROM customer_replacement r
             WHERE r.state IN ('reminded', 'ordered', 'expired')
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
