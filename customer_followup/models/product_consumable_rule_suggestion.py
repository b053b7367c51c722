from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .customer_followup_orders import confirmed_orders_sql
from .lift import lift_holds_sql

# A median of fewer later purchases is an anecdote, not an interval.
MIN_PART_BUYERS = 3
DAYS_PER_MONTH = 365.25 / 12
# A part's buyers among the product's buyers, against its buyers among all
# customers: the lift rule (lift.py), or it is what everybody buys (towels
# bought after a cooker are no cooker part).


class ProductConsumableRuleSuggestion(models.Model):
    """A replacement rule the sales history suggests: a part that the buyers
    of a durable product bought later, with the evidence (how many, after how
    long). A manager accepts it (the rule is created) or dismisses it (it is
    not proposed again)."""

    _name = "product.consumable.rule.suggestion"
    _inherit = ["customer.followup.guard"]
    _description = "Replacement Rule Suggestion"
    _order = "share DESC, id"
    _rec_name = "part_product_id"
    _followup_system_fields = (
        "product_tmpl_id",
        "part_product_id",
        "company_id",
        "buyer_count",
        "part_buyer_count",
        "share",
        "median_days",
        "spread_days",
        "interval_months",
    )

    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Owned Product",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    part_product_id = fields.Many2one(
        "product.product",
        string="Probable Part",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    buyer_count = fields.Integer(
        string="Buyers",
        readonly=True,
        help="Customers who bought the owned product.",
    )
    part_buyer_count = fields.Integer(
        string="Bought the Part Later",
        readonly=True,
        help="Buyers of the owned product who bought the part after it.",
    )
    share = fields.Float(
        string="Share (%)",
        readonly=True,
        digits=(5, 1),
        help="Part of the product's buyers who bought the part after it.",
    )
    median_days = fields.Float(
        string="Median Interval (days)",
        readonly=True,
        digits=(7, 1),
        help="Half of these buyers bought the part sooner after the product, "
        "half later.",
    )
    spread_days = fields.Float(
        string="Spread (days)",
        readonly=True,
        digits=(7, 1),
        help="Interquartile range: the middle half of the intervals lies within "
        "this many days.",
    )
    interval_months = fields.Integer(
        string="Suggested Interval (months)",
        readonly=True,
        help="The median interval, in whole months: the rule's interval.",
    )
    state = fields.Selection(
        [("new", "To Review"), ("accepted", "Accepted"), ("dismissed", "Dismissed")],
        default="new",
        required=True,
        readonly=True,
        index=True,
    )
    rule_id = fields.Many2one(
        "product.consumable.rule",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
    )

    _pair_unique = models.UniqueIndex(
        "(company_id, product_tmpl_id, part_product_id)",
        "A part is suggested once per product and company.",
    )

    # ------------------------------------------------------------------
    # Finding suggestions
    # ------------------------------------------------------------------

    @api.model
    def _evidence_query(self, company):
        """Per durable product and later-bought part of ``company``'s confirmed
        orders: buyers, later buyers, median and interquartile range of the
        days from a customer's first purchase of the product to their first
        purchase of the part after it."""
        return SQL(
            """
            WITH sold AS (
                SELECT so.customer_id,
                       sol.product_id,
                       pp.product_tmpl_id,
                       so.day
                  FROM sale_order_line sol
                  JOIN (%(confirmed)s) so ON so.id = sol.order_id
                  JOIN product_product pp ON pp.id = sol.product_id
                 WHERE so.company_id = %(company)s
                   AND sol.display_type IS NULL
                   AND sol.product_uom_qty > 0
            ), owners AS (
                SELECT s.product_tmpl_id, s.customer_id, MIN(s.day) AS bought
                  FROM sold s
                  JOIN product_template pt ON pt.id = s.product_tmpl_id
                 WHERE pt.followup_durable
              GROUP BY s.product_tmpl_id, s.customer_id
            ), buyers AS (
                SELECT product_tmpl_id, COUNT(*) AS buyer_count
                  FROM owners
              GROUP BY product_tmpl_id
            ), part_buyers AS (
                SELECT product_id, COUNT(DISTINCT customer_id) AS customer_count
                  FROM sold
              GROUP BY product_id
            ), customers AS (
                SELECT COUNT(DISTINCT customer_id) AS customer_count FROM sold
            ), later AS (
                SELECT o.product_tmpl_id, s.product_id AS part_id,
                       MIN(s.day) - o.bought AS days
                  FROM owners o
                  JOIN sold s ON s.customer_id = o.customer_id AND s.day > o.bought
                  JOIN product_template part ON part.id = s.product_tmpl_id
                 WHERE part.id != o.product_tmpl_id
                   AND NOT COALESCE(part.followup_durable, FALSE)
                   AND part.type = 'consu'
                   AND part.sale_ok
              GROUP BY o.product_tmpl_id, s.product_id, o.customer_id, o.bought
            )
            SELECT l.product_tmpl_id, l.part_id, b.buyer_count, COUNT(*),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY l.days),
                   percentile_cont(0.75) WITHIN GROUP (ORDER BY l.days)
                   - percentile_cont(0.25) WITHIN GROUP (ORDER BY l.days)
              FROM later l
              JOIN buyers b ON b.product_tmpl_id = l.product_tmpl_id
              JOIN part_buyers pb ON pb.product_id = l.part_id
        CROSS JOIN customers c
          GROUP BY l.product_tmpl_id, l.part_id, b.buyer_count,
                   pb.customer_count, c.customer_count
            HAVING COUNT(*) >= %(min_part_buyers)s
               AND COUNT(*) * 100.0 >= %(min_share)s * b.buyer_count
               -- bought by the product's buyers far more often than by the
               -- customers at large: a part, not what everybody buys
               AND %(lift)s
            """,
            company=company.id,
            confirmed=confirmed_orders_sql(),
            min_part_buyers=MIN_PART_BUYERS,
            lift=lift_holds_sql(
                SQL("COUNT(*)"),
                SQL("b.buyer_count"),
                SQL("pb.customer_count"),
                SQL("c.customer_count"),
            ),
            min_share=company.followup_suggestion_min_share,
        )

    @api.model
    def _suggest_for_company(self, company):
        """Replace the company's suggestions to review with those of today's
        history; accepted and dismissed ones stay, and their parts, like the
        parts of existing rules, are not proposed again."""
        self.env.flush_all()
        rows = self.env.execute_query(self._evidence_query(company))
        suggestions = self.sudo()
        existing = suggestions.search([("company_id", "=", company.id)])
        to_review = existing.filtered(lambda s: s.state == "new")
        kept = {
            (s.product_tmpl_id.id, s.part_product_id.id) for s in existing - to_review
        }
        rules = (
            self.env["product.consumable.rule"]
            .with_context(active_test=False)
            .search(
                [
                    ("company_id", "in", (company.id, False)),
                    ("product_tmpl_id", "in", list({row[0] for row in rows})),
                ]
            )
        )
        kept |= {(rule.product_tmpl_id.id, rule.part_product_id.id) for rule in rules}
        to_review.unlink()
        vals_list = []
        for tmpl_id, part_id, buyers, part_buyers, median, spread in rows:
            if (tmpl_id, part_id) in kept:
                continue
            vals_list.append(
                {
                    "product_tmpl_id": tmpl_id,
                    "part_product_id": part_id,
                    "company_id": company.id,
                    "buyer_count": buyers,
                    "part_buyer_count": part_buyers,
                    "share": 100.0 * part_buyers / buyers,
                    "median_days": median,
                    "spread_days": spread,
                    "interval_months": max(1, round(median / DAYS_PER_MONTH)),
                }
            )
        return suggestions.create(vals_list)

    @api.model
    def _cron_suggest_rules(self):
        """Each company's suggestions from its own orders; a company being
        processed by another worker is skipped."""
        companies = self.env["res.company"].search([])
        for index, company in enumerate(companies, start=1):
            if company.try_lock_for_update():
                self.with_company(company)._suggest_for_company(company)
            # commits: only when run by the scheduler
            if self.env.context.get("ir_cron_progress_id") and not self.env[
                "ir.cron"
            ]._commit_progress(1, remaining=len(companies) - index):
                break

    def action_find_suggestions(self):
        """The manager's button: look again in the current company's orders."""
        self.check_access("write")
        self._suggest_for_company(self.env.company)
        return {
            "type": "ir.actions.client",
            "tag": "soft_reload",
        }

    # ------------------------------------------------------------------
    # Review
    # ------------------------------------------------------------------

    def action_accept(self):
        """Create the suggested rules (as the manager's own) and open them."""
        self.check_access("write")
        if any(suggestion.state != "new" for suggestion in self):
            raise UserError(self.env._("Only suggestions to review can be accepted."))
        rules = self.env["product.consumable.rule"]
        for suggestion in self:
            rule = rules.create(
                {
                    "product_tmpl_id": suggestion.product_tmpl_id.id,
                    "part_product_id": suggestion.part_product_id.id,
                    "interval_months": suggestion.interval_months,
                    # a month's reminder must not arrive before the last part is used
                    "lead_days": min(30, int(suggestion.median_days // 4)),
                    "company_id": suggestion.company_id.id,
                }
            )
            suggestion.write({"state": "accepted", "rule_id": rule.id})
            rules |= rule
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.action_product_consumable_rule"
        )
        if len(rules) == 1:
            action.update(res_id=rules.id, view_mode="form", views=[(False, "form")])
        else:
            action["domain"] = [("id", "in", rules.ids)]
        return action

    def action_dismiss(self):
        self.check_access("write")
        self.filtered(lambda s: s.state == "new").write({"state": "dismissed"})

    def action_reset(self):
        self.check_access("write")
        self.filtered(lambda s: s.state == "dismissed").write({"state": "new"})
