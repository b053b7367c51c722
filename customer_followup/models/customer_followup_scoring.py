from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, split_every
from odoo.tools.mail import generate_tracking_message_id

SCORE_BATCH_SIZE = 1000
# The score query sorts the customers once per factor (window functions): with
# PostgreSQL's default work_mem (4 MB) the sorts of 100,000 customers spill to
# disk (1.5 s instead of 1.0 s). Raised for that query only, never lowered.
SCORING_WORK_MEM = "32MB"


class CustomerFollowupScoring(models.AbstractModel):
    """Scores the commercial customers and derives their ABCD tiers.

    **Per company.** Every company ranks its own customers with its own settings
    (scoring window, weights, strategic bonus) over its own confirmed orders
    (``sale_order.company_id``). A customer is in a company's ranking when it
    has confirmed orders of that company within that company's window.

    **One score per customer.** ``res.partner.followup_score`` holds one value:
    the score of the customer's *scoring company*, which is

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
    without a tier are written by one set-based UPDATE (no chatter message is
    posted for a first tier), only the real tier changes through the ORM, in
    batches, their chatter messages created in one go per batch. As a cron,
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
                    fields.Date.subtract(today, months=company.followup_window_months),
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
        current tier, locked, strategic)."""
        today = today or fields.Date.context_today(self)
        companies = companies or self._scoring_companies()
        main = self._main_company() or companies[:1]
        margin_sql = (
            SQL("SUM(so.margin / COALESCE(NULLIF(so.currency_rate, 0), 1))")
            if self._followup_margin_available()
            else SQL("0")
        )
        return SQL(
            """
            WITH settings(company_id, since, w_recency, w_frequency,
                          w_monetary, w_margin, bonus) AS (
                VALUES %(settings)s
            ), orders AS (
                SELECT so.company_id,
                       p.commercial_partner_id AS partner_id,
                       MAX(so.date_order) AS last_order,
                       COUNT(*) AS frequency,
                       SUM(so.amount_untaxed
                           / COALESCE(NULLIF(so.currency_rate, 0), 1)) AS monetary,
                       %(margin_sql)s AS margin
                  FROM sale_order so
                  JOIN settings s ON s.company_id = so.company_id
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND so.date_order >= s.since
              GROUP BY so.company_id, p.commercial_partner_id
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
                       p.followup_score,
                       p.followup_tier_id,
                       COALESCE(p.followup_tier_locked, FALSE) AS locked
                  FROM res_partner p
             LEFT JOIN latest l ON l.partner_id = p.id
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
                   c.followup_strategic
              FROM scored c
              JOIN settings s ON s.company_id = c.company_id
         LEFT JOIN ranked r ON r.partner_id = c.id AND r.company_id = c.company_id
            """,
            settings=self._followup_settings_sql(today, companies),
            margin_sql=margin_sql,
            main=main.id,
        )

    @api.model
    def _execute_scoring_query(self, query):
        """Execute ``query`` (built on the score query) with at least
        SCORING_WORK_MEM of work memory, then restore the setting."""
        [(previous, _new)] = self.env.execute_query(
            SQL(
                """
                SELECT current_setting('work_mem'),
                       set_config('work_mem',
                                  GREATEST(pg_size_bytes(current_setting('work_mem')),
                                           pg_size_bytes(%s)) / 1024 || 'kB',
                                  TRUE)
                """,
                SCORING_WORK_MEM,
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
                "followup_score",
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
        self.env["sale.order"].flush_model()
        self.env["res.company"].flush_model()
        self.env["customer.tier"].flush_model(
            ["active", "min_score", "sequence", "cadence_days", "cadence_min_weight"]
        )

    @api.model
    def _write_followup_scores(self, today=None, first_tiers=False):
        """Score every customer in one set-based UPDATE (only changed rows are
        written): scores are analysis output that nothing else depends on.

        With ``first_tiers``, the same UPDATE also gives their first tier to
        the scored, unlocked customers without one (with their next follow-up
        date: last contact that counts for the tier + cadence, or today for
        a customer without one, as ``_compute_last_cadence_contact_date`` and
        ``_compute_next_followup_date``): one row version per
        customer instead of two. Not tracked: a first classification posts no
        chatter message; it does not go through ``write`` either (overrides
        and automated actions on the tier do not see it): an extension that
        needs that returns False from ``_first_classification_in_sql``.
        Returns (scores written, customers classified)."""
        today = today or fields.Date.context_today(self)
        self._flush_scoring_inputs()
        scores = self._followup_score_query(today)
        if first_tiers:
            query = SQL(
                """
                WITH s AS (%(scores)s), f AS (
                    SELECT s.id, s.score, t.id AS tier_id, t.cadence_days,
                           CASE WHEN t.id IS NOT NULL THEN (
                               SELECT MAX(tp.date)
                                 FROM customer_touchpoint tp
                                 JOIN res_company c ON c.id = tp.company_id
                                WHERE tp.partner_id = s.id
                                  AND tp.weight >= t.cadence_min_weight
                                  AND (tp.direction = 'outbound'
                                       OR c.followup_inbound_counts)
                           ) END AS last_contact
                      FROM s AS s(id, company_id, score, old_score, old_tier_id,
                                  locked, strategic)
                 LEFT JOIN LATERAL (%(best_tier)s) t
                        ON s.old_tier_id IS NULL AND NOT s.locked
                )
                UPDATE res_partner p
                   SET followup_score = f.score,
                       followup_tier_id = COALESCE(p.followup_tier_id, f.tier_id),
                       last_cadence_contact_date = CASE
                           WHEN f.tier_id IS NULL THEN p.last_cadence_contact_date
                           ELSE f.last_contact
                       END,
                       next_followup_date = CASE
                           WHEN f.tier_id IS NULL THEN p.next_followup_date
                           WHEN COALESCE(f.cadence_days, 0) = 0 THEN NULL
                           WHEN f.last_contact IS NOT NULL
                           THEN f.last_contact::date + f.cadence_days
                           ELSE %(today)s::date
                       END,
                       write_uid = CASE WHEN f.tier_id IS NULL
                                        THEN p.write_uid ELSE %(uid)s END,
                       write_date = CASE WHEN f.tier_id IS NULL
                                         THEN p.write_date ELSE %(now)s END
                  FROM f
                 WHERE p.id = f.id
                   AND (p.followup_score IS DISTINCT FROM f.score
                        OR f.tier_id IS NOT NULL)
             RETURNING f.tier_id IS NOT NULL
                """,
                scores=scores,
                best_tier=self._best_tier_sql(
                    SQL("s.score"), SQL("(s.score > 0 OR s.strategic)")
                ),
                today=today,
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        else:
            query = SQL(
                """
                WITH s AS (%s)
                UPDATE res_partner p
                   SET followup_score = s.score
                  FROM s AS s(id, company_id, score, old_score, old_tier_id,
                              locked, strategic)
                 WHERE p.id = s.id
                   AND p.followup_score IS DISTINCT FROM s.score
             RETURNING FALSE
                """,
                scores,
            )
        rows = self._execute_scoring_query(query)
        self.env["res.partner"].invalidate_model(
            [
                "followup_score",
                "followup_tier_id",
                "last_cadence_contact_date",
                "next_followup_date",
            ]
            + (["write_uid", "write_date"] if first_tiers else [])
        )
        return len(rows), sum(1 for (first,) in rows if first)

    # ------------------------------------------------------------------
    # Tiers
    # ------------------------------------------------------------------

    @api.model
    def _best_tier_sql(self, score, condition=None):
        """Subquery (id, cadence_days, cadence_min_weight) of the best active
        tier that ``score``
        reaches (the highest minimum score), if ``condition`` holds."""
        return SQL(
            """
            SELECT ct.id, ct.cadence_days, ct.cadence_min_weight
              FROM customer_tier ct
             WHERE ct.active AND %s >= ct.min_score AND %s
          ORDER BY ct.min_score DESC, ct.sequence, ct.id
             LIMIT 1
            """,
            score,
            condition or SQL("TRUE"),
        )

    @api.model
    def _tier_target_query(self):
        """Rows (partner_id, current tier, target tier, cadence of the target
        tier) of the scored, unlocked customers whose tier differs from the
        best active tier their score reaches."""
        return SQL(
            """
            SELECT p.id, p.followup_tier_id, t.id, t.cadence_days
              FROM res_partner p
         LEFT JOIN LATERAL (%s) t ON TRUE
             WHERE p.id = p.commercial_partner_id
               AND NOT COALESCE(p.followup_tier_locked, FALSE)
               AND (p.followup_score > 0
                    OR p.followup_strategic
                    OR p.followup_tier_id IS NOT NULL)
               AND t.id IS DISTINCT FROM p.followup_tier_id
            """,
            self._best_tier_sql(SQL("p.followup_score")),
        )

    @api.model
    def _get_followup_tier_changes(self):
        """Return [(partner_id, old tier id, new tier id)] for the scored,
        unlocked customers whose tier differs from the best tier their
        score reaches."""
        self._flush_scoring_inputs()
        rows = self.env.execute_query(
            SQL("SELECT * FROM (%s) AS c ORDER BY 1", self._tier_target_query())
        )
        return [(pid, old or False, new or False) for pid, old, new, _cadence in rows]

    @api.model
    def _first_classification_in_sql(self):
        """Whether the first tiers can be written in SQL: the only stored
        fields computed from ``followup_tier_id`` are the last contact that
        counts and the next follow-up date (written by the same UPDATE). An
        extension that adds another one gets the ORM path instead."""
        partner_model = self.env["res.partner"]
        dependents = {
            field
            for field in self.pool.get_dependent_fields(
                partner_model._fields["followup_tier_id"]
            )
            if field.store
        }
        return dependents <= {
            partner_model._fields["last_cadence_contact_date"],
            partner_model._fields["next_followup_date"],
        }

    @api.model
    def _write_tier_changes(self, changes):
        """Write [(partner_id, old tier id, new tier id)] through the ORM (the
        next follow-up dates follow), then log the changes of a tier in the
        chatter in one batch (first classifications are not logged)."""
        by_tier = defaultdict(list)
        for partner_id, _old_tier_id, tier_id in changes:
            by_tier[tier_id].append(partner_id)
        partner_model = self.env["res.partner"].with_context(tracking_disable=True)
        for tier_id, partner_ids in by_tier.items():
            partner_model.browse(partner_ids).write({"followup_tier_id": tier_id})
        self._log_tier_changes([change for change in changes if change[1]])
        self.env.flush_all()

    @api.model
    def _log_tier_changes(self, changes):
        """Post the tracking message of each tier change, as the tracking of
        ``followup_tier_id`` would (a note with the old and new tier), but
        created in one batch instead of one message per customer."""
        if not changes:
            return
        partners = self.env["res.partner"].browse([change[0] for change in changes])
        tiers = self.env["customer.tier"].with_context(active_test=False)
        col_info = partners.fields_get(
            ["followup_tier_id"],
            attributes=("string", "type", "selection", "currency_field"),
        )["followup_tier_id"]
        tracking_model = self.env["mail.tracking.value"]
        author_id, email_from = partners._message_compute_author()
        base = {
            "author_id": author_id,
            "email_from": email_from,
            "model": partners._name,
            "record_alias_domain_id": False,
            "record_company_id": False,
            "message_type": "notification",
            "is_internal": True,
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
            "email_add_signature": False,
            "reply_to": self.env["mail.thread"]._notify_get_reply_to(
                default=email_from, author_id=author_id
            )[False],
        }
        trackings = [
            tracking_model._create_tracking_values(
                tiers.browse(old_tier_id),
                tiers.browse(tier_id),
                "followup_tier_id",
                col_info,
                partner,
            )
            for partner, (_partner_id, old_tier_id, tier_id) in zip(
                partners, changes, strict=True
            )
        ]
        # mail.message.create creates the tracking values of each message
        # apart: they are created here in one batch after the messages
        messages = partners.sudo()._message_create(
            [
                dict(
                    base,
                    res_id=partner.id,
                    body=Markup(""),
                    message_id=generate_tracking_message_id("message-notify"),
                )
                for partner in partners
            ]
        )
        tracking_model.sudo().create(
            [
                dict(tracking, mail_message_id=message.id)
                for message, tracking in zip(messages, trackings, strict=True)
            ]
        )

    @api.model
    def _recompute_followup_tiers(self, today=None, cron=False, rescore=True):
        """Write the new scores (unless ``rescore`` is False), the first tiers,
        then the tier changes in batches; return the number of tier changes
        found.

        With ``cron``, each step reports its progress through
        ``ir.cron._commit_progress`` (which commits) and the work stops when
        it answers that the time budget is used: the runner calls again and
        the next call (``rescore=False``) only finds the customers whose tier
        is still to change. Without ``cron`` nothing is committed here
        (outside a cron run ``_commit_progress`` would commit, so it is not
        called)."""
        first = 0
        if rescore:
            _scores, first = self._write_followup_scores(
                today, first_tiers=self._first_classification_in_sql()
            )
        changes = self._get_followup_tier_changes()
        cron_model = self.env["ir.cron"]
        if (
            first
            and cron
            and not cron_model._commit_progress(first, remaining=len(changes))
        ):
            return first + len(changes)
        remaining = len(changes)
        for batch in split_every(SCORE_BATCH_SIZE, changes):
            self._write_tier_changes(batch)
            remaining -= len(batch)
            if cron and not cron_model._commit_progress(
                len(batch), remaining=remaining
            ):
                break
        return first + len(changes)

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_resumes(self):
        """Whether this call of the cron continues a run stopped by its time
        budget (its previous call reported remaining tier changes): the scores
        are already written then."""
        context = self.env.context
        progress_id, cron_id = (
            context.get("ir_cron_progress_id"),
            context.get("cron_id"),
        )
        if not (progress_id and cron_id):
            return False
        rows = self.env.execute_query(
            SQL(
                """
                SELECT remaining
                  FROM ir_cron_progress
                 WHERE cron_id = %s AND id < %s
              ORDER BY id DESC
                 LIMIT 1
                """,
                cron_id,
                progress_id,
            )
        )
        return bool(rows and rows[0][0])

    @api.model
    def _cron_compute_tiers(self):
        self._recompute_followup_tiers(cron=True, rescore=not self._cron_resumes())
