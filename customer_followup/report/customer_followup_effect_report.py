from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.customer_followup_orders import attribution_end_sql, confirmed_orders_sql
from ..models.customer_touchpoint_type import CHANNELS
from ..models.shop_day import shop_date_sql

# The refresh pairs every contact with the orders of its window and sorts
# them (window functions): raised for that statement only, never lowered.
EFFECT_WORK_MEM = "64MB"

CONTACTED = [
    ("contacted", "Contacted"),
    ("not_contacted", "Not contacted"),
]


class CustomerFollowupEffectReport(models.Model):
    """What followed the contacts: each contact we made, with the confirmed
    orders of its customer within the attribution window after it credited
    twice, to the last contact before each order and shared by effort weight
    among the contacts of the window; and, per tier, salesperson and month,
    the tier's customers not contacted that month with their orders of the
    month, to compare against.

    A materialized view, refreshed every night (and when the attribution
    window changes): pairing every contact with the orders of its window
    takes seconds at 100,000 customers, and a pivot screen reads the report
    four to six times."""

    _name = "customer.followup.effect.report"
    _description = "Effect of Contact"
    _auto = False
    _order = "date desc"

    date = fields.Date(
        readonly=True,
        help="Day of the contact; first day of the month for the customers "
        "not contacted.",
    )
    contacted = fields.Selection(CONTACTED, readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    tier_id = fields.Many2one(
        "customer.tier",
        readonly=True,
        help="The customer's tier today.",
    )
    user_id = fields.Many2one(
        "res.users",
        "Salesperson",
        readonly=True,
        help="The customer's salesperson.",
    )
    contact_user_id = fields.Many2one(
        "res.users", "Contact By", readonly=True, help="Who made the contact."
    )
    company_id = fields.Many2one("res.company", readonly=True)
    touchpoint_type_id = fields.Many2one(
        "customer.touchpoint.type", "Contact", readonly=True
    )
    # the customers not contacted are under a channel of their own, not
    # "None"
    channel = fields.Selection(CHANNELS + [("none", "No contact")], readonly=True)
    contact_count = fields.Integer("Contacts", readonly=True, aggregator="sum")
    points = fields.Float(
        readonly=True, aggregator="sum", help="Weight of the contacts."
    )
    customer_count = fields.Integer(
        "Customer-Months",
        readonly=True,
        aggregator="sum",
        help="Customers contacted, once for each month they were contacted in, "
        "or the tier's customers not contacted in the month, once for each "
        "month: the two sides are counted alike, so that their revenue per "
        "customer compares.",
    )
    order_count = fields.Integer(
        "Orders (Last Contact)",
        readonly=True,
        aggregator="sum",
        help="Confirmed orders of the attribution window, each credited to the "
        "last contact before it; for the customers not contacted, their "
        "orders of the month.",
    )
    revenue = fields.Float(
        "Revenue (Last Contact)",
        readonly=True,
        aggregator="sum",
        help="Untaxed amount of the orders credited to the last contact before "
        "them; for the customers not contacted, of their orders of the month.",
    )
    order_share = fields.Float(
        "Orders (Shared)",
        readonly=True,
        aggregator="sum",
        help="Confirmed orders of the attribution window, each shared among "
        "the contacts of the window by their effort weight.",
    )
    revenue_share = fields.Float(
        "Revenue (Shared)",
        readonly=True,
        aggregator="sum",
        help="Untaxed amount of the orders shared among the contacts of the "
        "window by their effort weight.",
    )
    revenue_per_point = fields.Float(
        "Revenue per Point",
        readonly=True,
        aggregator="avg",
        help="Shared revenue divided by the points of the contacts.",
    )
    outcome_count = fields.Integer(
        "Calls and Visits with an Outcome",
        readonly=True,
        aggregator="sum",
        help="Contacts logged with their outcome (calls and visits).",
    )
    reached_count = fields.Integer(
        "Reached",
        readonly=True,
        aggregator="sum",
        help="Contacts whose outcome says the customer was reached.",
    )
    reached_rate = fields.Float(
        "Reached Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Reached contacts per hundred contacts logged with an outcome.",
    )
    revenue_per_customer = fields.Float(
        "Revenue per Customer",
        readonly=True,
        aggregator="avg",
        help="Shared revenue divided by the customer-months.",
    )

    def _read_group_select(self, aggregate_spec, query):
        """Ratios of sums, and customers counted once a month whatever the rows."""
        if aggregate_spec not in (
            "customer_count:sum",
            "revenue_per_point:avg",
            "revenue_per_customer:avg",
            "reached_rate:avg",
        ):
            return super()._read_group_select(aggregate_spec, query)

        def column(name):
            return self._field_to_sql(self._table, name, query)

        if aggregate_spec == "reached_rate:avg":
            return SQL(
                "COALESCE(100.0 * SUM(%s) / NULLIF(SUM(%s), 0), 0.0)",
                column("reached_count"),
                column("outcome_count"),
            )

        # customer-months on both sides: a contacted customer once per month
        # of contact, the rows of customers not contacted count their own
        # (one integer per customer and month: distinct integers sort fast,
        # rows of two columns take four times as long at 100,000 customers)
        customers = SQL(
            "(COUNT(DISTINCT %(partner)s::bigint * 100000 + ("
            "date_part('year', %(date)s) * 12 + date_part('month', %(date)s)"
            ")::bigint) FILTER (WHERE %(partner)s IS NOT NULL) "
            "+ COALESCE(SUM(%(count)s) FILTER (WHERE %(partner)s IS NULL), 0))",
            partner=column("partner_id"),
            date=column("date"),
            count=column("customer_count"),
        )
        if aggregate_spec == "customer_count:sum":
            return customers
        divisor = (
            SQL("SUM(%s)", column("points"))
            if aggregate_spec == "revenue_per_point:avg"
            else customers
        )
        return SQL(
            "COALESCE(SUM(%s) / NULLIF(%s, 0), 0.0)",
            column("revenue_share"),
            divisor,
        )

    def _query(self):
        # pairs: each outbound contact with each order of its customer in the
        # window after it; an order is credited to its last contact (rank 1)
        # and shared by weight among all of them.
        return SQL(
            """
            WITH contact AS NOT MATERIALIZED (
                SELECT tp.id, tp.partner_id, tp.date, tp.weight, tp.company_id,
                       %(contact_day)s AS day,
                       %(window_end)s AS window_end
                  FROM customer_touchpoint tp
                  JOIN res_company company ON company.id = tp.company_id
                 WHERE tp.direction = 'outbound'
            ),
            sale AS NOT MATERIALIZED (
                SELECT so.id, so.customer_id AS partner_id,
                       so.company_id, so.date_order, so.amount_untaxed, so.day
                  FROM (%(confirmed)s) so
            ),
            pair AS (
                SELECT contact.id AS contact_id, sale.amount_untaxed,
                       ROW_NUMBER() OVER (
                           PARTITION BY sale.id
                           ORDER BY contact.date DESC, contact.id DESC
                       ) AS rank,
                       contact.weight / SUM(contact.weight) OVER (
                           PARTITION BY sale.id
                       ) AS share
                  FROM contact
                  JOIN sale
                    ON sale.partner_id = contact.partner_id
                   AND sale.company_id = contact.company_id
                   AND sale.date_order >= contact.date
                   AND sale.date_order < contact.window_end
            ),
            credit AS (
                SELECT contact_id,
                       COUNT(*) FILTER (WHERE rank = 1) AS order_count,
                       COALESCE(SUM(amount_untaxed) FILTER (WHERE rank = 1), 0)
                           AS revenue,
                       SUM(share) AS order_share,
                       SUM(share * amount_untaxed) AS revenue_share
                  FROM pair
              GROUP BY contact_id
            ),
            customer AS (
                SELECT p.id, p.company_id, p.followup_tier_id, p.user_id
                  FROM res_partner p
                 WHERE p.id = p.commercial_partner_id
                   AND p.followup_tier_id IS NOT NULL
                   AND p.active
            ),
            month AS (
                SELECT generate_series(
                           date_trunc('month', MIN(day)),
                           date_trunc('month', MAX(day)),
                           INTERVAL '1 month'
                       )::date AS month
                  FROM contact
            ),
            activity AS (
                SELECT partner_id, month, BOOL_OR(contact) AS contacted,
                       SUM(orders) AS order_count, SUM(revenue) AS revenue
                  FROM (
                        SELECT partner_id, date_trunc('month', day)::date AS month,
                               TRUE AS contact, 0 AS orders, 0.0 AS revenue
                          FROM contact
                     UNION ALL
                        SELECT partner_id, date_trunc('month', day)::date,
                               FALSE, 1, amount_untaxed
                          FROM sale
                       ) event
              GROUP BY partner_id, month
            ),
            tier_group AS (
                SELECT company_id, followup_tier_id, user_id, COUNT(*) AS customers
                  FROM customer
              GROUP BY company_id, followup_tier_id, user_id
            ),
            month_group AS (
                SELECT customer.company_id, customer.followup_tier_id,
                       customer.user_id, activity.month,
                       COUNT(*) FILTER (WHERE activity.contacted) AS contacted,
                       SUM(activity.order_count) FILTER (WHERE NOT activity.contacted)
                           AS order_count,
                       SUM(activity.revenue) FILTER (WHERE NOT activity.contacted)
                           AS revenue
                  FROM activity
                  JOIN customer ON customer.id = activity.partner_id
              GROUP BY customer.company_id, customer.followup_tier_id,
                       customer.user_id, activity.month
            )
            SELECT tp.id AS id,
                   %(touchpoint_day)s AS date,
                   'contacted' AS contacted,
                   tp.partner_id,
                   partner.followup_tier_id AS tier_id,
                   partner.user_id,
                   tp.user_id AS contact_user_id,
                   tp.company_id,
                   tp.type_id AS touchpoint_type_id,
                   tp.channel,
                   1 AS contact_count,
                   tp.weight AS points,
                   1 AS customer_count,
                   COALESCE(credit.order_count, 0) AS order_count,
                   COALESCE(credit.revenue, 0.0) AS revenue,
                   COALESCE(credit.order_share, 0.0) AS order_share,
                   COALESCE(credit.revenue_share, 0.0) AS revenue_share,
                   0.0 AS revenue_per_point,
                   0.0 AS revenue_per_customer,
                   (outcome.id IS NOT NULL)::int AS outcome_count,
                   COALESCE(outcome.reached, FALSE)::int AS reached_count,
                   0.0 AS reached_rate
              FROM customer_touchpoint tp
              JOIN res_partner partner ON partner.id = tp.partner_id
         LEFT JOIN credit ON credit.contact_id = tp.id
         LEFT JOIN customer_followup_call_outcome outcome
                ON outcome.id = tp.outcome_id
             WHERE tp.direction = 'outbound'
         UNION ALL
            SELECT -ROW_NUMBER() OVER (
                       ORDER BY month.month, tier_group.company_id,
                                tier_group.followup_tier_id, tier_group.user_id
                   ) AS id,
                   month.month AS date,
                   'not_contacted' AS contacted,
                   NULL AS partner_id,
                   tier_group.followup_tier_id AS tier_id,
                   tier_group.user_id,
                   NULL AS contact_user_id,
                   tier_group.company_id,
                   NULL AS touchpoint_type_id,
                   'none' AS channel,
                   0 AS contact_count,
                   0.0 AS points,
                   tier_group.customers - COALESCE(month_group.contacted, 0)
                       AS customer_count,
                   COALESCE(month_group.order_count, 0) AS order_count,
                   COALESCE(month_group.revenue, 0.0) AS revenue,
                   COALESCE(month_group.order_count, 0) AS order_share,
                   COALESCE(month_group.revenue, 0.0) AS revenue_share,
                   0.0 AS revenue_per_point,
                   0.0 AS revenue_per_customer,
                   0 AS outcome_count,
                   0 AS reached_count,
                   0.0 AS reached_rate
              FROM tier_group
        CROSS JOIN month
         LEFT JOIN month_group
                ON month_group.company_id IS NOT DISTINCT FROM tier_group.company_id
               AND month_group.followup_tier_id = tier_group.followup_tier_id
               AND month_group.user_id IS NOT DISTINCT FROM tier_group.user_id
               AND month_group.month = month.month
             WHERE tier_group.customers > COALESCE(month_group.contacted, 0)
            """,
            contact_day=shop_date_sql(SQL("tp.date"), SQL("company.followup_tz")),
            confirmed=confirmed_orders_sql(),
            window_end=attribution_end_sql(
                shop_date_sql(SQL("tp.date"), SQL("company.followup_tz")),
                SQL("company.followup_attribution_days"),
                SQL("company.followup_tz"),
            ),
            touchpoint_day=shop_date_sql(
                SQL("tp.date"),
                SQL(
                    "(SELECT shop.followup_tz FROM res_company shop"
                    " WHERE shop.id = tp.company_id)"
                ),
            ),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE MATERIALIZED VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX %s ON %s (id)",
                SQL.identifier(f"{self._table}_id_index"),
                SQL.identifier(self._table),
            )
        )

    @api.model
    def _refresh(self):
        """Recompute the report from the contacts and orders of now."""
        self.env.flush_all()
        [(previous, _new)] = self.env.execute_query(
            SQL(
                "SELECT current_setting('work_mem'), set_config('work_mem', "
                "GREATEST(pg_size_bytes(current_setting('work_mem')), "
                "pg_size_bytes(%s)) / 1024 || 'kB', TRUE)",
                EFFECT_WORK_MEM,
            )
        )
        self.env.cr.execute(
            SQL("REFRESH MATERIALIZED VIEW %s", SQL.identifier(self._table))
        )
        self.env.execute_query(SQL("SELECT set_config('work_mem', %s, TRUE)", previous))
        self.invalidate_model()

    @api.model
    def _cron_refresh(self):
        self._refresh()
