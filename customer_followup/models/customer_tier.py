from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, split_every

from .value_range import ValueRange

SCORE_BATCH_SIZE = 1000
# Each call of the cron starts with the score query (a few seconds at 100,000
# customers): a call that finds its time budget used still writes this many
# batches before it hands over, so that a backlog takes a few calls, not one
# call (and one score query) per batch.
MIN_BATCHES_PER_CALL = 20


class CustomerTier(models.Model):
    _name = "customer.tier"
    _inherit = ["customer.followup.guard"]
    _description = "Customer Tier"
    _order = "sequence, min_score desc, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code shown in lists, e.g. A.")
    sequence = fields.Integer(default=10)
    min_score = fields.Float(
        string="Minimum Score",
        required=True,
        default=0.0,
        help="A customer gets the best tier (highest minimum score) whose minimum "
        "score it reaches.",
    )
    cadence_days = fields.Integer(
        string="Cadence (days)",
        required=True,
        default=0,
        help="Longest gap allowed between two touchpoints. 0: no planned contact.",
    )
    touchpoint_type_id = fields.Many2one(
        "customer.touchpoint.type",
        string="Planned Contact",
        ondelete="set null",
        help="Contact the follow-up planner schedules for customers of this tier. "
        "Empty: customers of this tier are not followed up.",
    )
    yearly_points_target = fields.Float(
        required=True,
        default=0.0,
        help="Weighted touchpoint points each customer of this tier should get "
        "per year.",
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)
    partner_count = fields.Integer(compute="_compute_partner_count")

    _code_unique = models.UniqueIndex(
        "(code) WHERE active", "The code of an active tier must be unique."
    )
    _min_score_range = ValueRange("min_score", 0.0, 100.0)
    _cadence_range = ValueRange("cadence_days", 0, 3660)
    _yearly_points_target_range = ValueRange("yearly_points_target", 0.0, 10000.0)
    _sequence_range = ValueRange("sequence", 0, 1000000)
    _color_range = ValueRange("color", 0, 11)

    @api.constrains("cadence_days", "touchpoint_type_id")
    def _check_cadence(self):
        for tier in self:
            if tier.touchpoint_type_id and not tier.cadence_days:
                raise ValidationError(
                    self.env._(
                        "The tier “%(name)s” plans a contact: give it a cadence.",
                        name=tier.name,
                    )
                )

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("followup_tier_id", "in", self.ids)],
                ["followup_tier_id"],
                ["__count"],
            )
        )
        for tier in self:
            tier.partner_count = counts.get(tier._origin, 0)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for tier in self:
            tier.display_name = (
                f"{tier.code} - {tier.name}" if tier.code and tier.name else tier.name
            )

    def action_view_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.action_followup_customers"
        )
        action["domain"] = [("followup_tier_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------
    # Scoring
    # ------------------------------------------------------------------

    @api.model
    def _followup_score_query(self, company=None, today=None):
        """One query scoring every commercial customer: weighted percentile ranks
        (cume_dist) of recency, frequency, monetary value and gross margin of the
        confirmed orders within the window, plus the strategic bonus.

        Scored: customers with orders in the window, strategic customers and
        customers already tiered (they slide down instead of vanishing).
        Returns rows (partner_id, score, current score, current tier, locked)."""
        company = company or self.env.company
        today = today or fields.Date.context_today(self)
        since = fields.Date.subtract(today, months=company.followup_window_months)
        with_margin = (
            "margin" in self.env["sale.order"]._fields
            and self.env["sale.order"]._fields["margin"].store
        )
        weights = {
            "recency": company.followup_weight_recency,
            "frequency": company.followup_weight_frequency,
            "monetary": company.followup_weight_monetary,
            "margin": company.followup_weight_margin if with_margin else 0.0,
        }
        total = sum(weights.values()) or 1.0
        margin_sql = (
            SQL("SUM(so.margin / COALESCE(NULLIF(so.currency_rate, 0), 1))")
            if with_margin
            else SQL("0")
        )
        return SQL(
            """
            WITH orders AS (
                SELECT p.commercial_partner_id AS partner_id,
                       MAX(so.date_order) AS last_order,
                       COUNT(*) AS frequency,
                       SUM(so.amount_untaxed
                           / COALESCE(NULLIF(so.currency_rate, 0), 1)) AS monetary,
                       %(margin_sql)s AS margin
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND so.date_order >= %(since)s
              GROUP BY p.commercial_partner_id
            ), ranked AS (
                SELECT partner_id,
                       cume_dist() OVER (ORDER BY last_order) AS r_recency,
                       cume_dist() OVER (ORDER BY frequency) AS r_frequency,
                       cume_dist() OVER (ORDER BY monetary) AS r_monetary,
                       cume_dist() OVER (ORDER BY margin) AS r_margin
                  FROM orders
            )
            SELECT p.id,
                   ROUND(LEAST(100.0,
                       100.0 * (%(w_recency)s * COALESCE(r.r_recency, 0)
                              + %(w_frequency)s * COALESCE(r.r_frequency, 0)
                              + %(w_monetary)s * COALESCE(r.r_monetary, 0)
                              + %(w_margin)s * COALESCE(r.r_margin, 0))
                       + CASE WHEN p.followup_strategic
                              THEN %(bonus)s ELSE 0 END)::numeric, 1)::float,
                   p.followup_score,
                   p.followup_tier_id,
                   COALESCE(p.followup_tier_locked, FALSE)
              FROM res_partner p
         LEFT JOIN ranked r ON r.partner_id = p.id
             WHERE p.id = p.commercial_partner_id
               AND (r.partner_id IS NOT NULL
                    OR p.followup_strategic
                    OR p.followup_tier_id IS NOT NULL)
          ORDER BY p.id
            """,
            margin_sql=margin_sql,
            since=since,
            w_recency=weights["recency"] / total,
            w_frequency=weights["frequency"] / total,
            w_monetary=weights["monetary"] / total,
            w_margin=weights["margin"] / total,
            bonus=company.followup_strategic_bonus,
        )

    @api.model
    def _write_followup_scores(self, company=None, today=None):
        """Score every customer in one set-based UPDATE (only changed rows are
        written): scores are analysis output that nothing else depends on."""
        partner_model = self.env["res.partner"]
        partner_model.flush_model(
            ["followup_score", "followup_tier_id", "followup_strategic"]
        )
        self.env.execute_query(
            SQL(
                """
                UPDATE res_partner p
                   SET followup_score = s.score
                  FROM (%s) AS s(id, score, old_score, old_tier_id, locked)
                 WHERE p.id = s.id
                   AND p.followup_score IS DISTINCT FROM s.score
                """,
                self._followup_score_query(company, today),
            )
        )
        partner_model.invalidate_model(["followup_score"])

    @api.model
    def _get_followup_tier_changes(self):
        """Return [(partner_id, old tier id, new tier id)] for the scored,
        unlocked customers whose tier differs from the best tier their
        score reaches."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.id, p.followup_tier_id, t.id
                  FROM res_partner p
             LEFT JOIN LATERAL (
                          SELECT ct.id
                            FROM customer_tier ct
                           WHERE ct.active AND p.followup_score >= ct.min_score
                        ORDER BY ct.min_score DESC, ct.sequence, ct.id
                           LIMIT 1
                       ) t ON TRUE
                 WHERE p.id = p.commercial_partner_id
                   AND NOT COALESCE(p.followup_tier_locked, FALSE)
                   AND (p.followup_score > 0
                        OR p.followup_strategic
                        OR p.followup_tier_id IS NOT NULL)
                   AND t.id IS DISTINCT FROM p.followup_tier_id
              ORDER BY p.id
                """
            )
        )
        return [(pid, old or False, new or False) for pid, old, new in rows]

    @api.model
    def _recompute_followup_tiers(self, company=None, today=None, cron=False):
        """Write the new scores, then the new tiers in batches. With ``cron``,
        commit after each batch and stop when the cron's time budget is used:
        the runner calls again, and the next call only finds the customers
        whose tier is still to change (the scores are already written), so an
        interrupted run costs one score query, not the whole work again.

        Tier changes are tracked in the chatter; the first classification of a
        customer is not (it would post thousands of messages on the first run)."""
        self._write_followup_scores(company, today)
        changes = self._get_followup_tier_changes()
        remaining = len(changes)
        partner_model = self.env["res.partner"]
        for batch_count, batch in enumerate(
            split_every(SCORE_BATCH_SIZE, changes), start=1
        ):
            by_tier = {}
            for partner_id, old_tier_id, tier_id in batch:
                by_tier.setdefault((bool(old_tier_id), tier_id), []).append(partner_id)
            for (tracked, tier_id), partner_ids in by_tier.items():
                partner_model.with_context(tracking_disable=not tracked).browse(
                    partner_ids
                ).write({"followup_tier_id": tier_id})
            remaining -= len(batch)
            if (
                cron
                and not self.env["ir.cron"]._commit_progress(
                    len(batch), remaining=remaining
                )
                and batch_count >= MIN_BATCHES_PER_CALL
            ):
                break
        return len(changes)

    @api.model
    def _cron_compute_tiers(self):
        self._recompute_followup_tiers(cron=True)
