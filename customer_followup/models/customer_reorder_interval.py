from odoo import api, fields, models
from odoo.tools import SQL

from .customer_followup_orders import confirmed_orders_sql

# customers per statement of the nightly job (each statement reads their
# confirmed order lines within the window and replaces their rows)
REORDER_BATCH_SIZE = 20000
# a customer and product need this many purchases (so at least two intervals)
REORDER_MIN_PURCHASES = 3
# "expected to reorder this week" (status "due"): the expected date within the
# next 7 days, or passed without being late yet
REORDER_WEEK_DAYS = 7
# the session's temporary table of the learned intervals
LEARNED_TABLE = "customer_reorder_learned"
REORDER_STATES = [
    ("waiting", "Not yet due"),
    ("due", "Due to reorder"),
    ("late", "Late to reorder"),
]


class CustomerReorderInterval(models.Model):
    """How often a customer buys a product again, learned from its orders.

    For every customer (commercial partner) and product bought on at least
    ``REORDER_MIN_PURCHASES`` different days in confirmed orders of a company
    within that company's scoring window (``followup_window_months``): the
    intervals in days between consecutive purchase days, their median (the
    typical interval) and their **interquartile range** (Q3 - Q1, both
    interpolated like the median by ``percentile_cont``) as the spread: the
    width of the middle half of the intervals, which a single very long or
    very short gap does not move much. The next purchase is expected at the
    last purchase plus the median; the customer is *late to reorder* once
    the last purchase plus the median plus the spread has passed.

    Written only by the nightly job (``_cron_compute_reorder_intervals``),
    set-based: one statement per batch of customers replaces the rows of
    those customers (upsert of the pairs that qualify, delete of the rest),
    so that running it again gives the same table and row ids stay stable."""

    _name = "customer.reorder.interval"
    _inherit = ["customer.followup.guard"]
    _description = "Learned Reorder Interval"
    _order = "expected_date, id"
    _rec_name = "product_id"
    _followup_system_fields = (
        "partner_id",
        "product_id",
        "company_id",
        "user_id",
        "purchase_count",
        "first_purchase_date",
        "last_purchase_date",
        "median_interval_days",
        "spread_days",
        "expected_date",
        "late_date",
        "reorder_state",
        "computed_date",
    )

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The customer's salesperson when the intervals were last learned.",
    )
    purchase_count = fields.Integer(
        string="Purchases",
        readonly=True,
        aggregator="sum",
        help="Days with a confirmed order of the product within the scoring window.",
    )
    first_purchase_date = fields.Date(string="First Purchase", readonly=True)
    last_purchase_date = fields.Date(string="Last Purchase", readonly=True)
    median_interval_days = fields.Float(
        string="Typical Interval (days)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Median of the days between consecutive purchases.",
    )
    spread_days = fields.Float(
        string="Spread (days)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Interquartile range of the days between purchases: the width of "
        "the middle half of the intervals (0 for a perfectly regular customer).",
    )
    expected_date = fields.Date(
        string="Expected Reorder",
        readonly=True,
        index=True,
        help="Last purchase plus the typical interval.",
    )
    late_date = fields.Date(
        string="Late After",
        readonly=True,
        index=True,
        help="Last purchase plus the typical interval plus its spread: "
        "without an order by then, the customer is late to reorder.",
    )
    reorder_state = fields.Selection(
        REORDER_STATES,
        string="Status",
        readonly=True,
        index=True,
        help="As of the last nightly run.",
    )
    computed_date = fields.Date(string="Learned On", readonly=True)

    _pair_unique = models.UniqueIndex("(company_id, partner_id, product_id)")

    def _compute_display_name(self):
        for record in self:
            record.display_name = (
                f"{record.partner_id.display_name} · {record.product_id.display_name}"
            )

    # ------------------------------------------------------------------
    # Nightly job
    # ------------------------------------------------------------------

    @api.model
    def _reorder_settings_sql(self, today):
        rows = [
            SQL(
                "(%s, %s::timestamp)",
                company.id,
                company._followup_moment(
                    fields.Date.subtract(today, months=company.followup_window_months)
                ),
            )
            for company in self.env["customer.followup.scoring"]._scoring_companies()
        ]
        return SQL(", ").join(rows)

    @api.model
    def _learn_reorder_intervals(self, today):
        """Learn the intervals of every customer in one read-only statement
        into the session's temporary table ``customer_reorder_learned`` (kept
        across the commits of the batches, dropped at the end), with more
        work memory: its aggregates over every order line of the window
        would spill to disk with PostgreSQL's default."""
        self.env.execute_query(
            SQL("DROP TABLE IF EXISTS pg_temp.%s", SQL.identifier(LEARNED_TABLE))
        )
        self.env["customer.followup.scoring"]._execute_scoring_query(
            SQL(
                "CREATE TEMP TABLE %s AS %s",
                SQL.identifier(LEARNED_TABLE),
                self._reorder_learned_sql(today),
            )
        )
        self.env.execute_query(
            SQL(
                "CREATE INDEX ON pg_temp.%s (partner_id); ANALYZE pg_temp.%s",
                SQL.identifier(LEARNED_TABLE),
                SQL.identifier(LEARNED_TABLE),
            )
        )

    @api.model
    def _reorder_candidates(self):
        """Sorted ids of the customers whose rows to replace: those with
        learned intervals and those with rows."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner_id FROM pg_temp.%s
                 UNION
                SELECT partner_id FROM customer_reorder_interval
                 ORDER BY 1
                """,
                SQL.identifier(LEARNED_TABLE),
            )
        )
        return [row[0] for row in rows]

    @api.model
    def _reorder_learned_sql(self, today):
        """The query of the learned intervals of every customer (commercial
        partner) and product: rows (company_id, partner_id, product_id,
        user_id, purchase_count, first_day, last_day, median, spread,
        expected, late)."""
        return SQL(
            """
            WITH settings(company_id, since) AS (VALUES %(settings)s),
            purchases AS (
                SELECT so.company_id, so.customer_id AS partner_id,
                       sol.product_id, so.day
                  FROM (%(confirmed)s) so
                  JOIN settings s ON s.company_id = so.company_id
                  JOIN sale_order_line sol ON sol.order_id = so.id
                 WHERE so.date_order >= s.since
                   AND sol.product_id IS NOT NULL
                   AND sol.display_type IS NULL
                   -- an optional product the customer did not take
                   AND sol.product_uom_qty > 0
                   AND NOT COALESCE(sol.is_downpayment, FALSE)
              GROUP BY 1, 2, 3, 4
            ), gaps AS (
                SELECT company_id, partner_id, product_id, day,
                       day - LAG(day) OVER (
                           PARTITION BY company_id, partner_id, product_id
                           ORDER BY day) AS gap
                  FROM purchases
            ), stats AS (
                SELECT company_id, partner_id, product_id,
                       COUNT(*) AS purchase_count,
                       MIN(day) AS first_day,
                       MAX(day) AS last_day,
                       percentile_cont(ARRAY[0.25, 0.5, 0.75])
                           WITHIN GROUP (ORDER BY gap) AS q
                  FROM gaps
              GROUP BY 1, 2, 3
                HAVING COUNT(*) >= %(min_purchases)s
            )
            SELECT st.company_id, st.partner_id, st.product_id,
                   cp.user_id, st.purchase_count, st.first_day, st.last_day,
                   ROUND(st.q[2]::numeric, 1)::float AS median,
                   ROUND((st.q[3] - st.q[1])::numeric, 1)::float AS spread,
                   st.last_day + CEIL(st.q[2])::int AS expected,
                   st.last_day + CEIL(st.q[2] + st.q[3] - st.q[1])::int AS late
              FROM stats st
              JOIN res_partner cp ON cp.id = st.partner_id
            """,
            settings=self._reorder_settings_sql(today),
            confirmed=confirmed_orders_sql(),
            min_purchases=REORDER_MIN_PURCHASES,
        )

    @api.model
    def _replace_reorder_rows(self, today, low, high):
        """Replace the rows of the customers with ids from ``low`` to
        ``high`` (commercial partners) by their learned intervals, in one
        statement. Returns (rows written, rows deleted)."""
        [(written, deleted)] = self.env.execute_query(
            SQL(
                """
                WITH learned AS MATERIALIZED (
                    SELECT * FROM pg_temp.%(learned)s
                     WHERE partner_id BETWEEN %(low)s AND %(high)s
                ), upserted AS (
                    INSERT INTO customer_reorder_interval AS r (
                        company_id, partner_id, product_id, user_id,
                        purchase_count, first_purchase_date, last_purchase_date,
                        median_interval_days, spread_days, expected_date,
                        late_date, reorder_state, computed_date,
                        create_uid, create_date, write_uid, write_date)
                    SELECT l.company_id, l.partner_id, l.product_id, l.user_id,
                           l.purchase_count, l.first_day, l.last_day, l.median,
                           l.spread, l.expected, l.late,
                           CASE WHEN l.late < %(today)s THEN 'late'
                                WHEN l.expected < %(week_end)s THEN 'due'
                                ELSE 'waiting' END,
                           %(today)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM learned l
                  ORDER BY l.company_id, l.partner_id, l.product_id
                    ON CONFLICT (company_id, partner_id, product_id) DO UPDATE
                       SET user_id = EXCLUDED.user_id,
                           purchase_count = EXCLUDED.purchase_count,
                           first_purchase_date = EXCLUDED.first_purchase_date,
                           last_purchase_date = EXCLUDED.last_purchase_date,
                           median_interval_days = EXCLUDED.median_interval_days,
                           spread_days = EXCLUDED.spread_days,
                           expected_date = EXCLUDED.expected_date,
                           late_date = EXCLUDED.late_date,
                           reorder_state = EXCLUDED.reorder_state,
                           computed_date = EXCLUDED.computed_date,
                           write_uid = EXCLUDED.write_uid,
                           write_date = EXCLUDED.write_date
                     WHERE (r.user_id, r.purchase_count, r.first_purchase_date,
                            r.last_purchase_date, r.median_interval_days,
                            r.spread_days, r.reorder_state)
                           IS DISTINCT FROM
                           (EXCLUDED.user_id, EXCLUDED.purchase_count,
                            EXCLUDED.first_purchase_date,
                            EXCLUDED.last_purchase_date,
                            EXCLUDED.median_interval_days,
                            EXCLUDED.spread_days, EXCLUDED.reorder_state)
                 RETURNING r.id
                ), deleted AS (
                    DELETE FROM customer_reorder_interval r
                     WHERE r.partner_id BETWEEN %(low)s AND %(high)s
                       AND NOT EXISTS (
                           SELECT 1 FROM learned l
                            WHERE l.company_id = r.company_id
                              AND l.partner_id = r.partner_id
                              AND l.product_id = r.product_id)
                 RETURNING r.id
                )
                SELECT (SELECT COUNT(*) FROM upserted),
                       (SELECT COUNT(*) FROM deleted)
                """,
                learned=SQL.identifier(LEARNED_TABLE),
                low=low,
                high=high,
                today=today,
                week_end=fields.Date.add(today, days=REORDER_WEEK_DAYS),
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        )
        return written, deleted

    @api.model
    def _compute_reorder_intervals(self, today=None, cron=False):
        """Learn the reorder intervals of every customer, in batches of
        ``REORDER_BATCH_SIZE`` customers; as a cron, commit each batch with
        ``ir.cron._commit_progress`` and stop when the time budget is used;
        the runner calls again and that call goes on with the customers left
        (the last ones of the sorted candidates). Each batch replaces the rows
        of its customers, so a batch done twice changes nothing. Returns the
        number of customers processed."""
        today = today or self.env.company._followup_today()
        self.env["sale.order"].flush_model(["state", "date_order", "partner_id"])
        self.env["sale.order.line"].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id", "user_id"])
        self.env["res.company"].flush_model(["followup_window_months"])
        self.flush_model()
        self._learn_reorder_intervals(today)
        candidates = self._reorder_candidates()
        if cron and (left_over := self.env["ir.cron"]._followup_left_over()):
            candidates = candidates[-left_over:]
        remaining = len(candidates)
        done = 0
        cron_model = self.env["ir.cron"]
        for start in range(0, len(candidates), REORDER_BATCH_SIZE):
            batch = candidates[start : start + REORDER_BATCH_SIZE]
            self._replace_reorder_rows(today, batch[0], batch[-1])
            self.invalidate_model()
            remaining -= len(batch)
            done += len(batch)
            if cron and not cron_model._commit_progress(
                len(batch), remaining=remaining
            ):
                break
        self.env.execute_query(
            SQL("DROP TABLE IF EXISTS pg_temp.%s", SQL.identifier(LEARNED_TABLE))
        )
        return done

    @api.model
    def _cron_compute_reorder_intervals(self):
        self._compute_reorder_intervals(
            cron=bool(self.env.context.get("ir_cron_progress_id"))
        )
