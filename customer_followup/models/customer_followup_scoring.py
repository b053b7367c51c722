from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, split_every
from odoo.tools.mail import generate_tracking_message_id

from .customer_followup_orders import confirmed_orders_sql
from .shop_day import shop_date_sql

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
        score reaches, as ``_get_followup_tier_changes``), so that the tiers
        need no second pass over the customers.
        Returns (scores written, customers classified, [(partner_id, old
        tier id, new tier id)] of the tier changes left to write)."""
        today = today or self.env.company._followup_today()
        self._flush_scoring_inputs()
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
            ), updated AS (
                UPDATE customer_followup_score cs
                   SET score = n.score
                  FROM n
                 WHERE cs.id = n.score_id
                   AND NOT n.new
                   AND (n.old_score IS DISTINCT FROM n.score
                        OR n.linked_id IS NULL)
             RETURNING cs.id
            ), inserted AS (
                INSERT INTO customer_followup_score (id, partner_id, score)
                SELECT n.score_id, n.id, n.score
                  FROM n
                 WHERE n.new
                 -- sorted: the lookups of n are over before the first insert
                 -- (a lookup scanning the table while it fills up would make
                 -- the first classification quadratic)
              ORDER BY n.score_id
             RETURNING id
            ), f AS MATERIALIZED (
                SELECT s.id, s.score_id, s.linked_id, s.old_tier_id,
                       t.id AS tier_id, t.cadence_days,
                       %(first)s AS first,
                       CASE WHEN %(first)s THEN (
                           SELECT MAX(tp.date)
                             FROM customer_touchpoint tp
                             JOIN res_company c ON c.id = tp.company_id
                            WHERE tp.partner_id = s.id
                              AND tp.weight >= t.cadence_min_weight
                              AND (tp.direction = 'outbound'
                                   OR c.followup_inbound_counts)
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
                           WHEN COALESCE(f.cadence_days, 0) = 0 THEN NULL
                           WHEN f.last_contact IS NOT NULL
                           THEN %(contact_day)s + f.cadence_days
                           ELSE %(today)s::date
                       END,
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
            today=today,
            # the shop's day of the contact, as _compute_next_followup_date
            contact_day=shop_date_sql(
                SQL("f.last_contact"),
                SQL(
                    "COALESCE((SELECT c.followup_tz FROM res_company c"
                    " WHERE c.id = p.company_id), %s)",
                    self.env.company._followup_tz_name(),
                ),
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
         LEFT JOIN customer_followup_score cs ON cs.id = p.followup_score_id
         LEFT JOIN LATERAL (%s) t ON TRUE
             WHERE p.id = p.commercial_partner_id
               AND NOT COALESCE(p.followup_tier_locked, FALSE)
               AND (cs.score > 0
                    OR p.followup_strategic
                    OR p.followup_tier_id IS NOT NULL)
               AND t.id IS DISTINCT FROM p.followup_tier_id
            """,
            self._best_tier_sql(SQL("cs.score")),
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
        ``followup_tier_id`` would (a note with the old and new tier, by the
        same author, with the same values), but inserted in one statement
        instead of one message per customer: ``mail.message.create`` spends
        most of its time keeping the caches of every mail.thread model up to
        date, which a batch job does not need. The tracking values are built
        by ``mail.tracking.value`` itself, once per pair of tiers."""
        if not changes:
            return
        partners = self.env["res.partner"].browse([change[0] for change in changes])
        tiers = self.env["customer.tier"].with_context(active_test=False)
        col_info = partners.fields_get(
            ["followup_tier_id"],
            attributes=("string", "type", "selection", "currency_field"),
        )["followup_tier_id"]
        tracking_model = self.env["mail.tracking.value"]
        trackings = {
            pair: tracking_model._create_tracking_values(
                tiers.browse(pair[0]),
                tiers.browse(pair[1]),
                "followup_tier_id",
                col_info,
                partners[:1],
            )
            for pair in {(old, new) for _partner_id, old, new in changes}
        }
        author_id, email_from = partners._message_compute_author()
        reply_to = self.env["mail.thread"]._notify_get_reply_to(
            default=email_from, author_id=author_id
        )[False]
        self.env["mail.message"].flush_model()
        self.env["mail.tracking.value"].flush_model()
        self.env.execute_query(
            SQL(
                """
                WITH c AS MATERIALIZED (
                    SELECT nextval('mail_message_id_seq') AS id, c.*
                      FROM unnest(%(partner_ids)s::int[], %(message_ids)s::varchar[],
                                  %(field_ids)s::int[],
                                  %(old_ids)s::int[], %(new_ids)s::int[],
                                  %(old_names)s::varchar[], %(new_names)s::varchar[])
                           AS c(partner_id, message_id, field_id, old_id, new_id,
                                old_name, new_name)
                ), messages AS (
                    INSERT INTO mail_message (
                        id, model, res_id, author_id, email_from, reply_to,
                        message_type, is_internal, subtype_id,
                        email_add_signature, body, message_id, date,
                        create_uid, create_date, write_uid, write_date)
                    SELECT c.id, 'res.partner', c.partner_id, %(author_id)s,
                           %(email_from)s, %(reply_to)s, 'notification', TRUE,
                           %(subtype_id)s, FALSE, '', c.message_id, %(date)s,
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM c
                )
                INSERT INTO mail_tracking_value (
                    mail_message_id, field_id, old_value_integer,
                    new_value_integer, old_value_char, new_value_char,
                    create_uid, create_date, write_uid, write_date)
                SELECT c.id, c.field_id, c.old_id, c.new_id, c.old_name,
                       c.new_name, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM c
                """,
                partner_ids=[change[0] for change in changes],
                message_ids=[
                    generate_tracking_message_id("message-notify") for _c in changes
                ],
                field_ids=[trackings[c[1:]]["field_id"] for c in changes],
                old_ids=[
                    trackings[c[1:]]["old_value_integer"] or None for c in changes
                ],
                new_ids=[
                    trackings[c[1:]]["new_value_integer"] or None for c in changes
                ],
                old_names=[trackings[c[1:]]["old_value_char"] for c in changes],
                new_names=[trackings[c[1:]]["new_value_char"] for c in changes],
                author_id=author_id or None,
                email_from=email_from or None,
                reply_to=reply_to or None,
                subtype_id=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                date=fields.Datetime.now(),
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        )
        partners.invalidate_recordset(["message_ids"])

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
            _scores, first, changes = self._write_followup_scores(
                today, first_tiers=self._first_classification_in_sql()
            )
        else:
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
        return bool(self.env["ir.cron"]._followup_left_over())

    @api.model
    def _cron_compute_tiers(self):
        self._recompute_followup_tiers(cron=True, rescore=not self._cron_resumes())
