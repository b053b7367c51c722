from odoo import api, fields, models
from odoo.tools import SQL

from .customer_followup_orders import confirmed_orders_sql

SCORE_BATCH_SIZE = 1000
# The score query sorts the customers once per factor (window functions): with
# PostgreSQL's default work_mem (4 MB) the sorts of 100,000 customers spill to
# disk (1.5 s instead of 1.0 s). Raised for that query only, never lowered,
# in proportion to the customers (32 MB per 100,000: a million customers'
# sorts spilled with 32 MB), up to 512 MB.
SCORING_WORK_MEM_PER_100K = 32 * 2**20
SCORING_WORK_MEM_MAX = 512 * 2**20


class CustomerFollowupScoring(models.AbstractModel):
    """Scores the commercial customers and derives their ABCD tiers.

    **Per company.** Every company ranks its own customers with its own settings
    (scoring window, weights, strategic bonus) over its own confirmed orders
    (``sale_order.company_id``). A customer is in a company's ranking when it
    has confirmed orders of that company within that company's window.

    **One score per customer.** ``res.partner.followup_score`` holds one value
    (stored in a ``customer.followup.score`` record of the customer, a narrow
    table that the daily rescoring rewrites cheaply): the score of the
    customer's *scoring company*, which is

    1. the company of the customer (``company_id`` of the commercial partner)
       when it has one;
    2. otherwise the company where the customer ordered last (within that
       company's window; on a tie the lowest company id);
    3. otherwise (a strategic or already tiered customer without a company and
       without orders in any window) the main company.

    A customer who buys from two companies thus counts in both rankings (its
    orders move the percentiles of the other customers of each company), but
    its own score and tier come from its scoring company only.

    **Cron.** The scores and the first classification of the customers
    without a tier are written by one set-based statement (no chatter message
    is posted for a first tier), which also finds the tier changes; only the
    real tier changes go through the ORM, in batches, their chatter messages
    inserted in one statement per batch. As a cron,
    each step reports its progress with ``ir.cron._commit_progress`` (which
    commits) and the job stops when the time budget is used; the next call
    resumes with the pending tier changes, the scores being already written."""

    _name = "customer.followup.scoring"
    _description = "Customer Follow-up Scoring"

    # ------------------------------------------------------------------
    # Scores
    # ------------------------------------------------------------------

    @api.model
    def _scoring_companies(self):
        return (
            self.env["res.company"]
            .sudo()
            .with_context(active_test=False)
            .search([], order="id")
        )

    @api.model
    def _main_company(self):
        main = self.env.ref("base.main_company", raise_if_not_found=False)
        return main.sudo() if main else self._scoring_companies()[:1]

    @api.model
    def _followup_margin_available(self):
        field = self.env["sale.order"]._fields.get("margin")
        return bool(field and field.store)

    @api.model
    def _followup_settings_sql(self, today, companies=None):
        """``VALUES`` rows (company_id, since, w_recency, w_frequency,
        w_monetary, w_margin, bonus) of each company's scoring settings, the
        weights normalised to sum up to 1 (the margin weight is left out when
        margins are not available)."""
        with_margin = self._followup_margin_available()
        rows = []
        for company in companies or self._scoring_companies():
            weights = [
                company.followup_weight_recency,
                company.followup_weight_frequency,
                company.followup_weight_monetary,
                company.followup_weight_margin if with_margin else 0.0,
            ]
            total = sum(weights) or 1.0
            rows.append(
                SQL(
                    "(%s, %s::timestamp, %s::float, %s::float, %s::float, "
                    "%s::float, %s::float)",
                    company.id,
                    company._followup_moment(
                        fields.Date.subtract(
                            today, months=company.followup_window_months
                        )
                    ),
                    *(weight / total for weight in weights),
                    company.followup_strategic_bonus,
                )
            )
        return SQL(", ").join(rows)

    @api.model
    def _followup_score_query(self, today=None, companies=None):
        """One query scoring every commercial customer in its scoring company
        (see the class docstring): weighted percentile ranks (cume_dist) of
        recency, frequency, monetary value and gross margin of the company's
        confirmed orders within the company's window, among the company's
        customers, plus the company's strategic bonus.

        Scored: customers with orders in a window, strategic customers and
        customers already tiered (they slide down instead of vanishing).
        Returns rows (partner_id, scoring company_id, score, current score,
        current tier, locked, strategic, current score record)."""
        today = today or self.env.company._followup_today()
        companies = companies or self._scoring_companies()
        main = self._main_company() or companies[:1]
        margin = self._followup_margin_available()
        margin_sql = (
            SQL("SUM(so.margin / COALESCE(NULLIF(so.currency_rate, 0), 1))")
            if margin
            else SQL("0")
        )
        return SQL(
            """
            WITH settings(company_id, since, w_recency, w_frequency,
                          w_monetary, w_margin, bonus) AS (
                VALUES %(settings)s
            ), orders AS (
                SELECT so.company_id,
                       so.customer_id AS partner_id,
                       MAX(so.date_order) AS last_order,
                       COUNT(*) AS frequency,
                       SUM(so.amount_company) AS monetary,
                       %(margin_sql)s AS margin
                  FROM (%(confirmed)s) so
                  JOIN settings s ON s.company_id = so.company_id
                 WHERE so.date_order >= s.since
              GROUP BY so.company_id, so.customer_id
            ), ranked AS (
                SELECT company_id, partner_id, last_order,
                       cume_dist() OVER (PARTITION BY company_id
                                         ORDER BY last_order) AS r_recency,
                       cume_dist() OVER (PARTITION BY company_id
                                         ORDER BY frequency) AS r_frequency,
                       cume_dist() OVER (PARTITION BY company_id
                                         ORDER BY monetary) AS r_monetary,
                       cume_dist() OVER (PARTITION BY company_id
                                         ORDER BY margin) AS r_margin
                  FROM orders
            ), latest AS (
                -- the company where each customer ordered last
                SELECT DISTINCT ON (partner_id) partner_id, company_id
                  FROM ranked
              ORDER BY partner_id, last_order DESC, company_id
            ), scored AS (
                SELECT p.id,
                       COALESCE(p.company_id, l.company_id, %(main)s) AS company_id,
                       p.followup_strategic,
                       cs.score AS followup_score,
                       p.followup_score_id,
                       p.followup_tier_id,
                       COALESCE(p.followup_tier_locked, FALSE) AS locked
                  FROM res_partner p
             LEFT JOIN latest l ON l.partner_id = p.id
             LEFT JOIN customer_followup_score cs ON cs.id = p.followup_score_id
                 WHERE p.id = p.commercial_partner_id
                   AND (l.partner_id IS NOT NULL
                        OR p.followup_strategic
                        OR p.followup_tier_id IS NOT NULL)
            )
            SELECT c.id,
                   c.company_id,
                   ROUND(LEAST(100.0,
                       100.0 * (s.w_recency * COALESCE(r.r_recency, 0)
                              + s.w_frequency * COALESCE(r.r_frequency, 0)
                              + s.w_monetary * COALESCE(r.r_monetary, 0)
                              + s.w_margin * COALESCE(r.r_margin, 0))
                       + CASE WHEN c.followup_strategic
                              THEN s.bonus ELSE 0 END)::numeric, 1)::float,
                   c.followup_score,
                   c.followup_tier_id,
                   c.locked,
                   c.followup_strategic,
                   c.followup_score_id
              FROM scored c
              JOIN settings s ON s.company_id = c.company_id
         LEFT JOIN ranked r ON r.partner_id = c.id AND r.company_id = c.company_id
            """,
            settings=self._followup_settings_sql(today, companies),
            margin_sql=margin_sql,
            confirmed=confirmed_orders_sql(
                *(("margin", "currency_rate") if margin else ())
            ),
            main=main.id,
        )

    @api.model
    def _execute_scoring_query(self, query):
        """Execute ``query`` (built on the score query) with at least
        SCORING_WORK_MEM_PER_100K of work memory per 100,000 partners (up to
        SCORING_WORK_MEM_MAX), then restore the setting."""
        [(previous, _new)] = self.env.execute_query(
            SQL(
                """
                SELECT current_setting('work_mem'),
                       set_config('work_mem',
                                  (GREATEST(pg_size_bytes(current_setting('work_mem')),
                                            LEAST(%(max)s, %(per)s * GREATEST(1, round(
                                                (SELECT reltuples FROM pg_class
                                                  WHERE oid = 'res_partner'::regclass)
                                                / 100000))))
                                   / 1024)::bigint || 'kB',
                                  TRUE)
                """,
                per=SCORING_WORK_MEM_PER_100K,
                max=SCORING_WORK_MEM_MAX,
            )
        )
        rows = self.env.execute_query(query)
        self.env.execute_query(SQL("SELECT set_config('work_mem', %s, TRUE)", previous))
        return rows

    @api.model
    def _fetch_followup_scores(self, today=None):
        """Rows of ``_followup_score_query`` (flushed, executed, fetched)."""
        self._flush_scoring_inputs()
        return self._execute_scoring_query(self._followup_score_query(today))

    @api.model
    def _flush_scoring_inputs(self):
        self.env["res.partner"].flush_model(
            [
                "commercial_partner_id",
                "company_id",
                "followup_score_id",
                "followup_strategic",
                "followup_tier_id",
                "followup_tier_locked",
                "last_touchpoint_date",
                "last_cadence_contact_date",
                "next_followup_date",
            ]
        )
        self.env["customer.touchpoint"].flush_model(
            ["partner_id", "date", "weight", "direction", "company_id"]
        )
        self.env["customer.followup.score"].flush_model()
        self.env["sale.order"].flush_model()
        self.env["res.company"].flush_model()
        self.env["customer.tier"].flush_model(
            ["active", "min_score", "sequence", "cadence_days", "cadence_min_weight"]
        )

    @api.model
    def _write_followup_scores(self, today=None, first_tiers=False):
        """Score every customer in one set-based statement: the scores go to
        the narrow ``customer.followup.score`` table (only changed rows are
        written, a record is created for a customer scored the first time and
        linked from the customer): scores are analysis output that nothing
        else depends on.

        With ``first_tiers``, the same statement also gives their first tier
        to the scored, unlocked customers without one (with their next
        follow-up date: last contact that counts for the tier + cadence, or
        today for a customer without one, as
        ``_compute_last_cadence_contact_date`` and
        ``_compute_next_followup_date``; customers who refuse a channel are
        recomputed by the ORM afterwards): one row version per customer.
        Not tracked: a first classification posts no chatter message; it
        does not go through ``write`` either (overrides and automated actions
        on the tier do not see it): an extension that needs that returns
        False from ``_first_classification_in_sql``.
        The same statement finds the tier changes of the scored customers
        (unlocked, whose tier differs from the best active tier their new
        score reaches, as ``_tier_target_query``), so that the tiers
        need no second pass over the customers, and marks their score records
        ``tier_pending`` until ``_write_tier_changes`` writes them (a call of
        the cron stopped by its time budget leaves the rest to the next call,
        which reads only the marked ones).
        Returns (scores written, customers classified, [(partner_id, old
        tier id, new tier id)] of the tier changes left to write)."""
        today = today or self.env.company._followup_today()
        partner_model = self.env["res.partner"]
        self._flush_scoring_inputs()
        partner_model._flush_counting_contact_inputs()
        first_sql = (
            SQL(
                "s.old_tier_id IS NULL AND NOT s.locked AND t.id IS NOT NULL"
                " AND (s.score > 0 OR s.strategic)"
            )
            if first_tiers
            else SQL("FALSE")
        )
        # The planner expects a handful of scored customers (it cannot see
        # through the score query's filters): every join below goes through
        # an index, so that its nested loops stay linear.
        query = SQL(
            """
            WITH tiers AS MATERIALIZED (
                -- the best active tier of each minimum score (as
                -- _best_tier_sql) and the score range where it is the best
                SELECT b.*,
                       LAG(b.min_score) OVER (ORDER BY b.min_score DESC) AS below
                  FROM (SELECT DISTINCT ON (ct.min_score)
                               ct.id, ct.cadence_days, ct.min_score,
                               ct.cadence_min_weight
                          FROM customer_tier ct
                         WHERE ct.active
                      ORDER BY ct.min_score DESC, ct.sequence, ct.id) b
            ), s AS MATERIALIZED (
                SELECT *
                  FROM (%(scores)s) AS s(id, company_id, score, old_score,
                                         old_tier_id, locked, strategic,
                                         linked_id)
            ), k AS MATERIALIZED (
                -- the customer's score record: the linked one, or one left
                -- without its link (e.g. by a merge)
                SELECT s.*,
                       COALESCE(s.linked_id,
                                (SELECT cs.id
                                   FROM customer_followup_score cs
                                  WHERE cs.partner_id = s.id)) AS found_id
                  FROM s
            ), n AS MATERIALIZED (
                -- or the id of the one to create
                SELECT k.*, k.found_id IS NULL AS new,
                       COALESCE(k.found_id, nextval('customer_followup_score_id_seq'))
                           AS score_id
                  FROM k
            ), f AS MATERIALIZED (
                SELECT s.id, s.score_id, s.linked_id, s.old_tier_id, s.score,
                       s.old_score, s.new,
                       t.id AS tier_id, t.cadence_days,
                       %(first)s AS first,
                       CASE WHEN %(first)s THEN (
                           SELECT MAX(tp.date)
                             FROM customer_touchpoint tp
                            WHERE tp.partner_id = s.id AND %(counts)s
                       ) END AS last_contact,
                       NOT s.locked
                           AND (s.score > 0 OR s.strategic
                                OR s.old_tier_id IS NOT NULL)
                           AND t.id IS DISTINCT FROM s.old_tier_id
                           AS change
                  FROM n AS s
             LEFT JOIN tiers t
                    ON NOT s.locked
                   AND s.score >= t.min_score
                   AND (t.below IS NULL OR s.score < t.below)
                -- in the customers' order: the updates below then read and
                -- write their tables and indexes page after page, not at random
              ORDER BY s.id
            ), updated AS (
                UPDATE customer_followup_score cs
                   SET score = f.score,
                       -- a value left as it is keeps the update on its page
                       -- (HOT): the column is in an index's predicate
                       tier_pending = CASE
                           WHEN (f.change AND NOT f.first) IS TRUE THEN TRUE
                           WHEN cs.tier_pending THEN FALSE
                           ELSE cs.tier_pending END
                  FROM f
                 WHERE cs.id = f.score_id
                   AND NOT f.new
                   AND (f.old_score IS DISTINCT FROM f.score
                        OR f.linked_id IS NULL
                        OR (f.change AND NOT f.first) IS TRUE
                        OR cs.tier_pending)
             RETURNING cs.id
            ), inserted AS (
                INSERT INTO customer_followup_score (id, partner_id, score,
                                                     tier_pending)
                SELECT f.score_id, f.id, f.score, (f.change AND NOT f.first) IS TRUE
                  FROM f
                 WHERE f.new
                 -- sorted: the lookups of n are over before the first insert
                 -- (a lookup scanning the table while it fills up would make
                 -- the first classification quadratic)
              ORDER BY f.score_id
             RETURNING id
            ), partners AS (
                UPDATE res_partner p
                   SET followup_score_id = f.score_id,
                       followup_tier_id = CASE WHEN f.first THEN f.tier_id
                                               ELSE p.followup_tier_id END,
                       last_cadence_contact_date = CASE
                           WHEN f.first THEN f.last_contact
                           ELSE p.last_cadence_contact_date END,
                       next_followup_date = CASE
                           WHEN NOT f.first THEN p.next_followup_date
                           ELSE %(next_date)s END,
                       write_uid = CASE WHEN f.first THEN %(uid)s
                                        ELSE p.write_uid END,
                       write_date = CASE WHEN f.first THEN %(now)s
                                         ELSE p.write_date END
                  FROM f
                 WHERE p.id = f.id
                   AND (f.linked_id IS NULL OR f.first)
             RETURNING f.first
            )
            SELECT NULL, NULL, NULL,
                   (SELECT COUNT(*) FROM updated) + (SELECT COUNT(*) FROM inserted),
                   (SELECT COUNT(*) FROM partners WHERE first)
             UNION ALL
            SELECT f.id, f.old_tier_id, f.tier_id, NULL, NULL
              FROM f
             WHERE f.change AND NOT f.first
            """,
            scores=self._followup_score_query(today),
            first=first_sql,
            counts=partner_model._followup_counting_contact_sql(
                "tp", SQL("t.cadence_min_weight")
            ),
            next_date=partner_model._followup_next_date_sql(
                SQL("f.last_contact"), SQL("f.cadence_days"), "p", today
            ),
            uid=self.env.uid,
            now=self.env.cr.now(),
        )
        rows = self._execute_scoring_query(query)
        self.env["customer.followup.score"].invalidate_model()
        self.env["res.partner"].invalidate_model(
            [
                "followup_score_id",
                "followup_score",
                "followup_tier_id",
                "last_cadence_contact_date",
                "next_followup_date",
                "write_uid",
                "write_date",
            ]
        )
        [(written, first)] = [row[3:] for row in rows if row[0] is None]
        if first:
            self._recompute_refusing_first_tiers()
        changes = sorted(
            (partner_id, old or False, new or False)
            for partner_id, old, new, _written, _first in rows
            if partner_id is not None
        )
        return written, first, changes

    @api.model
    def _recompute_refusing_first_tiers(self):
        """The customers just classified who refuse a channel: the contact
        that keeps their cadence may be the planner's fallback, which only
        the ORM computation knows (``_compute_last_cadence_contact_date``)."""
        partner_model = self.env["res.partner"].with_context(active_test=False)
        partner_model.flush_model(
            [
                "email",
                "email_normalized",
                "followup_no_visit",
                "followup_no_call",
                "followup_no_postal",
            ]
        )
        self.env["mail.blacklist"].flush_model(["email", "active"])
        partners = partner_model.browse(
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
                    SELECT p.id
                      FROM res_partner p
                     WHERE p.followup_tier_id IS NOT NULL
                       AND p.write_date = %s
                       AND %s
                    """,
                    self.env.cr.now(),
                    self.env["res.partner"]._followup_refuses_a_channel_sql("p"),
                )
            )
        )
        if partners:
            for name in ("last_cadence_contact_date", "next_followup_date"):
                self.env.add_to_compute(partners._fields[name], partners)
            partners.flush_recordset()
