# One model, one file per concept (see the base model's docstring).
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models
from odoo.tools import SQL, ormcache

from .customer_followup_orders import confirmed_orders_sql
from .lift import lift_holds_sql
from .product_consumable_rule_suggestion import MIN_PART_BUYERS


class CustomerReplacementReminder(models.AbstractModel):
    """The product bought together with a part: the reminder quotation offers
    it as an optional product when enough other customers bought it in the
    same order as the part, by the lift rule of the rule suggestions (what
    everybody buys goes with everything, and is not offered)."""

    _inherit = "customer.replacement.reminder"

    @api.model
    def _companions_query(self, company, parts):
        return SQL(
            """
            WITH part_orders AS (
                SELECT DISTINCT so.customer_id, sol.order_id,
                       sol.product_id AS part_id
                  FROM sale_order_line sol
                  JOIN (%(confirmed)s) so ON so.id = sol.order_id
                 WHERE sol.product_id = ANY(%(parts)s)
                   AND so.company_id = %(company)s
                   AND sol.product_uom_qty > 0
            ), together AS (
                SELECT po.part_id, sol.product_id AS companion_id,
                       COUNT(DISTINCT po.customer_id) AS customer_count
                  FROM part_orders po
                  JOIN sale_order_line sol ON sol.order_id = po.order_id
                 WHERE sol.product_id != po.part_id
                   AND sol.display_type IS NULL
                   AND sol.product_uom_qty > 0
              GROUP BY po.part_id, sol.product_id
                HAVING COUNT(DISTINCT po.customer_id) >= %(min_buyers)s
            ), buyers AS (
                SELECT sol.product_id, COUNT(DISTINCT so.customer_id) AS customer_count
                  FROM sale_order_line sol
                  JOIN (%(confirmed)s) so ON so.id = sol.order_id
                 WHERE so.company_id = %(company)s
                   AND sol.product_uom_qty > 0
                   AND sol.product_id IN (
                       SELECT part_id FROM together
                        UNION SELECT companion_id FROM together)
              GROUP BY sol.product_id
            ), customers AS (
                SELECT COUNT(DISTINCT so.customer_id) AS customer_count
                  FROM (%(confirmed)s) so
                 WHERE so.company_id = %(company)s
            )
            SELECT t.part_id, t.companion_id, t.customer_count
              FROM together t
              JOIN buyers bp ON bp.product_id = t.part_id
              JOIN buyers bc ON bc.product_id = t.companion_id
              JOIN product_product pp ON pp.id = t.companion_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
        CROSS JOIN customers c
             WHERE pp.active AND pt.active AND pt.sale_ok
               AND pt.type = 'consu'
               AND NOT COALESCE(pt.followup_durable, FALSE)
               AND %(lift)s
          ORDER BY t.customer_count DESC, t.companion_id
            """,
            confirmed=confirmed_orders_sql(),
            parts=parts.ids,
            company=company.id,
            min_buyers=MIN_PART_BUYERS,
            lift=lift_holds_sql(
                SQL("t.customer_count"),
                SQL("bp.customer_count"),
                SQL("bc.customer_count"),
                SQL("c.customer_count"),
            ),
        )

    @api.model
    def _companions(self, groups, known=None):
        """{group key: (companion product, part)} for the groups of cycles
        (one customer's, keyed) whose parts other customers often bought
        together with another product: the one bought together most, not
        already in the group. ``known`` ({company id: see
        ``_companions_table``}) keeps what was read for the next batches."""
        known = {} if known is None else known
        Product = self.env["product.product"]
        result = {}
        for key, cycles in groups.items():
            company = cycles.company_id
            if company.id not in known:
                known[company.id] = self._companions_of_parts(company)
            in_group = set(cycles.part_product_id.ids)
            candidates = [
                (count, -companion_id, part.id, companion_id)
                for part in cycles.part_product_id
                for companion_id, count in known[company.id].get(part.id, ())
                if companion_id not in in_group
            ]
            if candidates:
                _count, _order, part_id, companion_id = max(candidates)
                result[key] = (Product.browse(companion_id), Product.browse(part_id))
        return result

    @api.model
    def _companions_of_parts(self, company):
        """``_companions_table`` of ``company`` as the order history stands.
        Its query reads every confirmed order (12 s at a million customers),
        and a reminder cron that has used its time budget is called again for
        each batch: the table is kept in the process until a newer order is
        confirmed, the parts reminded of change (a new rule's) or the shop's
        day changes (an older quotation confirmed shows in it the next day).
        Not the newest cycle: the reminder cron plans cycles as it goes,
        which made it read the table again on every call."""
        self.env.flush_all()
        # the newest confirmed order (the reminders' own quotations are
        # drafts) and the parts the company's open cycles remind of
        [(last_order, part_ids)] = self.env.execute_query(
            SQL(
                """
                SELECT (SELECT max(id) FROM sale_order WHERE state = 'sale'),
                       (SELECT array_agg(DISTINCT part_product_id
                                         ORDER BY part_product_id)
                          FROM customer_replacement
                         WHERE company_id = %s AND state IN ('planned', 'reminded'))
                """,
                company.id,
            )
        )
        return self._companions_table(
            company.id, company._followup_today(), last_order, tuple(part_ids or ())
        )

    @ormcache("company_id", "today", "last_order", "part_ids")
    def _companions_table(self, company_id, today, last_order, part_ids):
        """{part id: ((companion id, customers who bought both), ...)} for
        the parts ``part_ids``, most bought first."""
        company = self.env["res.company"].browse(company_id)
        parts = self.env["product.product"].browse(part_ids)
        table = {}
        if parts:
            for part_id, companion_id, count in self.env.execute_query(
                self._companions_query(company, parts)
            ):
                table.setdefault(part_id, []).append((companion_id, count))
        return {part_id: tuple(rows) for part_id, rows in table.items()}
