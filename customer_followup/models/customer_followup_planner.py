from odoo import api, fields, models
from odoo.tools import SQL, split_every

from .customer_followup_plan_line import CapacityBook

# customers per committed batch: fewer, larger batches write their activities
# faster, and a batch of 2,500 still takes about a second at 100,000 customers
PLAN_BATCH_SIZE = 2500


class CustomerFollowupPlanner(models.AbstractModel):
    """Plans the due customer follow-ups as activities.

    One code path for the daily cron and the workload preview: ``_plan_batch``
    decides (customer_followup_planner_decision.py) and gives each follow-up
    its day by the capacity book (customer_followup_planner_capacity.py);
    ``_apply_plan`` writes (customer_followup_planner_activity.py, never
    called in dry runs)."""

    _name = "customer.followup.planner"
    _description = "Customer Follow-up Planner"

    # ------------------------------------------------------------------
    # Candidates
    # ------------------------------------------------------------------

    @api.model
    def _candidate_ids(self, limit_date):
        """Tiered customers due by ``limit_date`` without an open planned
        follow-up, most important first (tier, days overdue, score)."""
        self.env["res.partner"].flush_model(
            [
                "active",
                "commercial_partner_id",
                "followup_tier_id",
                "next_followup_date",
                "followup_score_id",
            ]
        )
        self.env["customer.followup.score"].flush_model(["score"])
        self.env["customer.tier"].flush_model(["min_score", "touchpoint_type_id"])
        self.env["mail.activity"].flush_model(
            ["res_model", "res_id", "followup_planned", "active"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.id
                  FROM res_partner p
                  JOIN customer_tier t ON t.id = p.followup_tier_id
             LEFT JOIN customer_followup_score cs ON cs.id = p.followup_score_id
                 WHERE p.id = p.commercial_partner_id
                   AND t.touchpoint_type_id IS NOT NULL
                   AND p.next_followup_date <= %(limit_date)s
                   AND NOT EXISTS (
                        SELECT 1
                          FROM mail_activity a
                         WHERE a.res_model = 'res.partner'
                           AND a.res_id = p.id
                           AND a.followup_planned
                           AND a.active)
              ORDER BY t.min_score DESC, p.next_followup_date,
                       cs.score DESC, p.id
                """,
                limit_date=limit_date,
            )
        )
        return [row[0] for row in rows]

    @api.model
    def _max_horizon_days(self, horizon_days=None):
        if horizon_days is not None:
            return horizon_days
        companies = self.env["res.company"].sudo().search([])
        return max(companies.mapped("followup_horizon_days") or [0])

    @api.model
    def _clear_stale_notes(self, candidate_ids):
        stale = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("id", "not in", candidate_ids),
                    "|",
                    ("followup_deferred_reason", "!=", False),
                    ("followup_plan_note", "!=", False),
                ]
            )
        )
        stale.write({"followup_deferred_reason": False, "followup_plan_note": False})

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    @api.model
    def _plan(self, today=None, horizon_days=None, dry_run=True, cron=False):
        """Plan the follow-ups due within the horizon (the companies' settings
        unless ``horizon_days`` is given). Returns the ``PlanLine`` list; with
        ``dry_run`` nothing is written."""
        today = today or self.env.company._followup_today()
        limit_date = fields.Date.add(today, days=self._max_horizon_days(horizon_days))
        candidate_ids = self._candidate_ids(limit_date)
        candidate_ids = self.env["customer.followup.control"]._planner_candidates(
            candidate_ids, today, write=not dry_run
        )
        if not dry_run:
            self._clear_stale_notes(candidate_ids)
        partner_model = self.env["res.partner"].with_context(active_test=False)
        types_by_channel = self._types_by_channel()
        book = CapacityBook()
        all_lines = []
        remaining = len(candidate_ids)
        for batch_ids in split_every(PLAN_BATCH_SIZE, candidate_ids):
            partners = partner_model.browse(batch_ids)
            if not dry_run:
                # Another worker planning the same customers skips them.
                locked = partners.try_lock_for_update()
                planned = self.env["mail.activity"].search_fetch(
                    [
                        ("res_model", "=", "res.partner"),
                        ("res_id", "in", locked.ids),
                        ("followup_planned", "=", True),
                    ],
                    ["res_id"],
                )
                skip = set(planned.mapped("res_id"))
                partners = partners.filtered(
                    lambda p, locked=locked, skip=skip: p in locked and p.id not in skip
                )
            lines = self._plan_batch(
                partners, today, horizon_days, book, types_by_channel
            )
            all_lines += lines
            remaining -= len(batch_ids)
            if dry_run:
                continue
            self._apply_plan(lines, today)
            if cron and not self.env["ir.cron"]._commit_progress(
                len(batch_ids), remaining=remaining
            ):
                break
        return all_lines

    @api.model
    def _cron_plan_followups(self):
        self._plan(dry_run=False, cron=True)
