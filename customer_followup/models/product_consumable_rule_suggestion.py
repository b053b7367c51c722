from odoo import api, fields, models
from odoo.tools import SQL

# a part is suggested only when at least this many buyers bought it later
SUGGESTION_MIN_BUYERS = 3
# days per month for the suggested interval
DAYS_PER_MONTH = 365.25 / 12
SUGGESTION_STATES = [
    ("new", "To Review"),
    ("accepted", "Accepted"),
    ("dismissed", "Dismissed"),
]


class ProductConsumableRuleSuggestion(models.Model):
    """A replacement rule proposed from the purchase histories.

    For each durable product (``product.template.followup_durable``): its
    buyers (commercial partners with a confirmed order of it; their first
    purchase counts) and, for every other product they bought on a later
    day, after how many days each of them first bought it. A product bought
    later by at least the company's share of the buyers
    (``followup_suggestion_share``) and by at least ``SUGGESTION_MIN_BUYERS``
    of them is a probable part: the median of those delays (rounded to whole
    months) is the suggested interval, their interquartile range the spread.
    Parts that already have a rule for the product are not proposed.

    A manager accepts a suggestion (a rule is created, with the rule's
    defaults for the rest) or dismisses it; both are kept, so that the
    weekly recomputation proposes neither again, and only the evidence of
    the suggestions still to review is refreshed."""

    _name = "product.consumable.rule.suggestion"
    _inherit = ["customer.followup.guard"]
    _description = "Suggested Replacement Rule"
    _order = "state, share desc, id"
    _followup_system_fields = (
        "product_tmpl_id",
        "part_product_id",
        "buyer_count",
        "part_buyer_count",
        "share",
        "median_days",
        "spread_days",
        "interval_months",
        "state",
        "rule_id",
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
    buyer_count = fields.Integer(
        string="Buyers", readonly=True, help="Customers who bought the product."
    )
    part_buyer_count = fields.Integer(
        string="Bought the Part Later",
        readonly=True,
        help="Buyers of the product who bought the part on a later day.",
    )
    share = fields.Float(
        string="Share (%)",
        readonly=True,
        digits=(16, 1),
        help="Part of the buyers of the product who bought the part later.",
    )
    median_days = fields.Float(
        string="Median Delay (days)",
        readonly=True,
        digits=(16, 1),
        help="Median of the days between the purchase of the product and the "
        "first later purchase of the part.",
    )
    spread_days = fields.Float(
        string="Spread (days)",
        readonly=True,
        digits=(16, 1),
        help="Interquartile range of those delays.",
    )
    interval_months = fields.Integer(
        string="Suggested Interval (months)",
        readonly=True,
        help="The median delay in whole months (at least one).",
    )
    state = fields.Selection(
        SUGGESTION_STATES, default="new", required=True, readonly=True, index=True
    )
    rule_id = fields.Many2one(
        "product.consumable.rule", string="Rule", readonly=True, ondelete="set null"
    )

    _pair_unique = models.UniqueIndex("(product_tmpl_id, part_product_id)")

    @api.depends("product_tmpl_id", "part_product_id")
    def _compute_display_name(self):
        for record in self:
            record.display_name = self.env._(
                "%(part)s for %(product)s",
                part=record.part_product_id.display_name or "",
                product=record.product_tmpl_id.display_name or "",
            )

    # ------------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------------

    @api.model
    def _suggestions_sql(self, share):
        """Rows (product_tmpl_id, part_product_id, buyers, part buyers,
        share %, median, spread) of the probable parts."""
        return SQL(
            """
            WITH durable AS (
                SELECT pp.id AS product_id, pt.id AS tmpl_id
                  FROM product_template pt
                  JOIN product_product pp ON pp.product_tmpl_id = pt.id
                 WHERE pt.followup_durable
            ), lines AS (
                SELECT p.commercial_partner_id AS partner_id, sol.product_id,
                       so.date_order::date AS day
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                  JOIN sale_order_line sol ON sol.order_id = so.id
                 WHERE so.state = 'sale'
                   AND sol.product_id IS NOT NULL
                   AND sol.display_type IS NULL
                   AND NOT COALESCE(sol.is_downpayment, FALSE)
            ), first_buy AS (
                SELECT d.tmpl_id, l.partner_id, MIN(l.day) AS day
                  FROM lines l
                  JOIN durable d ON d.product_id = l.product_id
              GROUP BY 1, 2
            ), buyers AS (
                SELECT tmpl_id, COUNT(*) AS n FROM first_buy GROUP BY 1
            ), later AS (
                SELECT f.tmpl_id, l.product_id AS part_id, f.partner_id,
                       MIN(l.day) - f.day AS delay
                  FROM first_buy f
                  JOIN lines l ON l.partner_id = f.partner_id AND l.day > f.day
                  JOIN product_product pp ON pp.id = l.product_id
                 WHERE pp.product_tmpl_id <> f.tmpl_id
              GROUP BY f.tmpl_id, l.product_id, f.partner_id, f.day
            ), stats AS (
                SELECT l.tmpl_id, l.part_id, b.n AS buyers,
                       COUNT(*) AS part_buyers,
                       percentile_cont(ARRAY[0.25, 0.5, 0.75])
                           WITHIN GROUP (ORDER BY l.delay) AS q
                  FROM later l
                  JOIN buyers b ON b.tmpl_id = l.tmpl_id
              GROUP BY l.tmpl_id, l.part_id, b.n
                HAVING COUNT(*) >= %(min_buyers)s
                   AND COUNT(*) * 100.0 >= %(share)s * b.n
            )
            SELECT s.tmpl_id, s.part_id, s.buyers, s.part_buyers,
                   ROUND(100.0 * s.part_buyers / s.buyers, 1)::float,
                   ROUND(s.q[2]::numeric, 1)::float,
                   ROUND((s.q[3] - s.q[1])::numeric, 1)::float
              FROM stats s
             WHERE NOT EXISTS (
                   SELECT 1 FROM product_consumable_rule r
                    WHERE r.product_tmpl_id = s.tmpl_id
                      AND r.part_product_id = s.part_id
                      AND r.active)
            """,
            min_buyers=SUGGESTION_MIN_BUYERS,
            share=share,
        )

    @api.model
    def _compute_suggestions(self):
        """Recompute the suggestions to review (the accepted and dismissed
        ones stay as they are). Returns the number of suggestions to review."""
        self.env.flush_all()
        share = self.env.company.followup_suggestion_share
        rows = self.env.execute_query(self._suggestions_sql(share))
        existing = {
            (record.product_tmpl_id.id, record.part_product_id.id): record
            for record in self.sudo().search([])
        }
        found = set()
        create = []
        for tmpl_id, part_id, buyers, part_buyers, pct, median, spread in rows:
            vals = {
                "buyer_count": buyers,
                "part_buyer_count": part_buyers,
                "share": pct,
                "median_days": median,
                "spread_days": spread,
                "interval_months": max(1, round(median / DAYS_PER_MONTH)),
            }
            record = existing.get((tmpl_id, part_id))
            found.add((tmpl_id, part_id))
            if not record:
                create.append(
                    dict(vals, product_tmpl_id=tmpl_id, part_product_id=part_id)
                )
            elif record.state == "new":
                record.sudo().write(vals)
        stale = self.browse(
            record.id
            for key, record in existing.items()
            if record.state == "new" and key not in found
        )
        stale.sudo().unlink()
        self.sudo().create(create)
        return self.search_count([("state", "=", "new")])

    @api.model
    def _cron_compute_suggestions(self):
        self._compute_suggestions()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_refresh(self):
        self._compute_suggestions()
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_accept(self):
        """Create the rule of each suggestion to review (with the rule's
        defaults for the notice, window and channel) and open it."""
        todo = self.filtered(lambda s: s.state == "new")
        rules = self.env["product.consumable.rule"].create(
            [
                {
                    "product_tmpl_id": suggestion.product_tmpl_id.id,
                    "part_product_id": suggestion.part_product_id.id,
                    "interval_months": min(suggestion.interval_months, 240),
                }
                for suggestion in todo
            ]
        )
        for suggestion, rule in zip(todo, rules, strict=True):
            suggestion.sudo().write({"state": "accepted", "rule_id": rule.id})
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.action_product_consumable_rule"
        )
        if len(rules) == 1:
            action.update(res_id=rules.id, views=[(False, "form")])
        else:
            action["domain"] = [("id", "in", rules.ids)]
        return action

    def action_dismiss(self):
        self.filtered(lambda s: s.state == "new").sudo().write({"state": "dismissed"})
