from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL, format_date, split_every

from .customer_followup_plan_line import PlanAction, PlanLine

PLAN_BATCH_SIZE = 500

# Order in which a contact falls back to the next best allowed one.
FALLBACK_CHANNELS = ["visit", "call", "letter", "postcard", "printed_mail", "email"]


class CustomerFollowupPlanner(models.AbstractModel):
    """Plans the due customer follow-ups as activities.

    One code path for the daily cron and the workload preview: ``_plan_batch``
    decides, ``_apply_plan`` writes (never called in dry runs)."""

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

    # ------------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------------

    @api.model
    def _types_by_channel(self):
        types = self.env["customer.touchpoint.type"].search(
            [("activity_type_id", "!=", False)]
        )
        by_channel = {}
        for touchpoint_type in types:
            by_channel.setdefault(touchpoint_type.channel, touchpoint_type)
        return by_channel

    @api.model
    def _resolve_touchpoint_type(self, partner, wanted, types_by_channel):
        """Return (touchpoint type or empty, note) for the tier's contact
        ``wanted``, falling back to the next best allowed channel."""
        reason = partner._followup_blocked_reason(wanted.channel)
        if not reason:
            return wanted, False
        reasons = [reason]
        if wanted.channel in FALLBACK_CHANNELS:
            start = FALLBACK_CHANNELS.index(wanted.channel) + 1
            for channel in FALLBACK_CHANNELS[start:]:
                candidate = types_by_channel.get(channel)
                if not candidate:
                    continue
                blocked = partner._followup_blocked_reason(channel)
                if not blocked:
                    return candidate, self.env._(
                        "%(wanted)s not allowed (%(reason)s): %(other)s instead",
                        wanted=wanted.name,
                        reason=reason,
                        other=candidate.name,
                    )
                if blocked not in reasons:
                    reasons.append(blocked)
        return wanted.browse(), self.env._(
            "Not planned: no allowed contact (%(reasons)s)",
            reasons=", ".join(reasons),
        )

    @api.model
    def _load_capacity_usage(self, usage, keys):
        """Fill ``usage[(user_id, type_id, month)]`` with the planned follow-ups,
        open or done, already counted for the given keys."""
        missing = [key for key in keys if key not in usage]
        if not missing:
            return
        for key in missing:
            usage[key] = 0
        months = sorted({key[2] for key in missing})
        groups = (
            self.env["mail.activity"]
            .with_context(active_test=False)
            ._read_group(
                [
                    ("followup_planned", "=", True),
                    ("user_id", "in", list({key[0] for key in missing})),
                    (
                        "followup_touchpoint_type_id",
                        "in",
                        list({key[1] for key in missing}),
                    ),
                    ("followup_plan_date", ">=", months[0]),
                    ("followup_plan_date", "<", fields.Date.add(months[-1], months=1)),
                ],
                ["user_id", "followup_touchpoint_type_id", "followup_plan_date:month"],
                ["__count"],
            )
        )
        for user, touchpoint_type, month, count in groups:
            key = (user.id, touchpoint_type.id, fields.Date.start_of(month, "month"))
            if key in missing:
                usage[key] = count

    @api.model
    def _plan_batch(self, partners, today, horizon_days, usage, types_by_channel):
        """Decide what to do for ``partners`` (already in priority order).

        Returns a list of ``PlanLine``; ``usage`` is updated with the
        follow-ups it plans."""
        lines = []
        partners.fetch(
            [
                "active",
                "user_id",
                "company_id",
                "email",
                "followup_tier_id",
                "next_followup_date",
                "followup_no_visit",
                "followup_no_call",
                "followup_no_postal",
            ]
        )
        pending = []
        for partner in partners:
            company = partner.company_id or self.env.company
            horizon = (
                horizon_days
                if horizon_days is not None
                else company.followup_horizon_days
            )
            deadline = partner.next_followup_date
            if not deadline or deadline > fields.Date.add(today, days=horizon):
                continue
            line = PlanLine(
                partner=partner,
                user=self.env["res.users"],
                touchpoint_type=self.env["customer.touchpoint.type"],
                deadline=deadline,
                plan_date=max(deadline, today),
            )
            lines.append(line)
            if not partner.active:
                line.note = self.env._("Not planned: archived customer")
                continue
            user = partner.user_id if partner.user_id.active else False
            notes = []
            if not user:
                user = company.followup_user_id
                if not user:
                    line.note = self.env._(
                        "Not planned: no salesperson and no fallback salesperson "
                        "in the settings"
                    )
                    continue
                notes.append(
                    self.env._("No salesperson: assigned to %(user)s", user=user.name)
                )
            touchpoint_type, type_note = self._resolve_touchpoint_type(
                partner, partner.followup_tier_id.touchpoint_type_id, types_by_channel
            )
            if type_note:
                notes.append(type_note)
            line.note = "; ".join(notes) or False
            if not touchpoint_type:
                continue
            line.user, line.touchpoint_type = user, touchpoint_type
            pending.append(line)

        self._load_capacity_usage(
            usage,
            {
                line.capacity_key
                for line in pending
                if line.touchpoint_type.capacity_per_user_month
            },
        )
        for line in pending:
            touchpoint_type = line.touchpoint_type
            capacity = touchpoint_type.capacity_per_user_month
            if capacity:
                key = line.capacity_key
                if usage[key] >= capacity:
                    line.action = PlanAction.DEFERRED
                    line.reason = self.env._(
                        "Deferred: %(type)s capacity of %(user)s reached for %(month)s",
                        type=touchpoint_type.name,
                        user=line.user.name,
                        month=format_date(self.env, line.month, date_format="MMMM y"),
                    )
                    continue
                usage[key] += 1
            line.action = PlanAction.CREATE
        return lines

    # ------------------------------------------------------------------
    # Activity summary
    # ------------------------------------------------------------------

    @api.model
    def _summary_data(self, partner_ids):
        """Last touchpoint, last order, open quotations and opportunities of the
        customers, in four queries."""
        data = {pid: {} for pid in partner_ids}
        if not partner_ids:
            return data
        ids = tuple(partner_ids)
        self.env["customer.touchpoint"].flush_model(["partner_id", "date", "type_id"])
        self.env["sale.order"].flush_model(
            ["partner_id", "state", "date_order", "name"]
        )
        for pid, date, type_id in self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (partner_id) partner_id, date, type_id
                  FROM customer_touchpoint
                 WHERE partner_id IN %s
              ORDER BY partner_id, date DESC, id DESC
                """,
                ids,
            )
        ):
            data[pid]["touchpoint"] = (date, type_id)
        for pid, name, date in self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (p.commercial_partner_id)
                       p.commercial_partner_id, so.name, so.date_order
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE p.commercial_partner_id IN %s AND so.state = 'sale'
              ORDER BY p.commercial_partner_id, so.date_order DESC, so.id DESC
                """,
                ids,
            )
        ):
            data[pid]["order"] = (name, date)
        for pid, count in self.env.execute_query(
            SQL(
                """
                SELECT p.commercial_partner_id, COUNT(*)
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE p.commercial_partner_id IN %s
                   AND so.state IN ('draft', 'sent')
              GROUP BY p.commercial_partner_id
                """,
                ids,
            )
        ):
            data[pid]["quotations"] = count
        self.env["crm.lead"].flush_model(
            ["partner_id", "type", "active", "probability", "name"]
        )
        for pid, names in self.env.execute_query(
            SQL(
                """
                SELECT p.commercial_partner_id, ARRAY_AGG(l.name ORDER BY l.id)
                  FROM crm_lead l
                  JOIN res_partner p ON p.id = l.partner_id
                 WHERE p.commercial_partner_id IN %s
                   AND l.type = 'opportunity'
                   AND l.active
                   AND COALESCE(l.probability, 0) < 100
              GROUP BY p.commercial_partner_id
                """,
                ids,
            )
        ):
            data[pid]["opportunities"] = names
        return data

    @api.model
    def _activity_texts(self, line, data, today):
        """Return (summary, note) of the activity for a ``PlanLine``."""
        partner = line.partner
        tier = partner.followup_tier_id
        parts = [
            self.env._(
                "Tier %(tier)s: %(contact)s",
                tier=tier.code,
                contact=line.touchpoint_type.with_env(self.env).name,
            )
        ]
        touchpoint = data.get("touchpoint")
        if touchpoint:
            days = (today - touchpoint[0].date()).days
            parts.append(
                self.env._(
                    "last contact %(days)s days ago (%(type)s)",
                    days=days,
                    type=self.env["customer.touchpoint.type"]
                    .browse(touchpoint[1])
                    .name,
                )
            )
        else:
            parts.append(self.env._("never contacted"))
        order = data.get("order")
        if order:
            parts.append(
                self.env._(
                    "last order %(order)s on %(date)s",
                    order=order[0],
                    date=format_date(self.env, order[1]),
                )
            )
        else:
            parts.append(self.env._("no order in the window"))
        if data.get("quotations"):
            parts.append(
                self.env._("open quotations: %(count)s", count=data["quotations"])
            )
        if data.get("opportunities"):
            parts.append(
                self.env._(
                    "open opportunity: %(names)s",
                    names=", ".join(data["opportunities"]),
                )
            )
        summary = " · ".join(parts)
        note = Markup("<ul>%s</ul>") % Markup().join(
            Markup("<li>%s</li>") % escape(part) for part in parts
        )
        if line.note:
            note += Markup("<p>%s</p>") % line.note
        return summary, note

    # ------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------

    @api.model
    def _activity_vals(self, lines, today):
        """The values of the planned activities of ``lines`` (to create)."""
        data = self._summary_data([line.partner.id for line in lines])
        model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for line in lines:
            # written for the salesperson who reads it, in their language
            planner = self.with_context(lang=line.user.lang or self.env.lang)
            summary, note = planner._activity_texts(line, data[line.partner.id], today)
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": line.partner.id,
                    "activity_type_id": line.touchpoint_type.activity_type_id.id,
                    "user_id": line.user.id,
                    "date_deadline": line.deadline,
                    "summary": summary,
                    "note": note,
                    "followup_planned": True,
                    "followup_touchpoint_type_id": line.touchpoint_type.id,
                    "followup_plan_date": line.plan_date,
                }
            )
        return vals_list

    @api.model
    def _apply_plan(self, lines, today):
        to_create = [line for line in lines if line.action == PlanAction.CREATE]
        if to_create:
            vals_list = self._activity_vals(to_create, today)
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(vals_list)
        by_values = defaultdict(list)
        for line in lines:
            partner = line.partner
            values = (line.reason or False, line.note or False)
            if values != (
                partner.followup_deferred_reason,
                partner.followup_plan_note,
            ):
                by_values[values].append(partner.id)
        for (reason, note), partner_ids in by_values.items():
            self.env["res.partner"].sudo().browse(partner_ids).write(
                {"followup_deferred_reason": reason, "followup_plan_note": note}
            )
        return len(to_create)

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
        today = today or fields.Date.context_today(self)
        limit_date = fields.Date.add(today, days=self._max_horizon_days(horizon_days))
        candidate_ids = self._candidate_ids(limit_date)
        if not dry_run:
            self._clear_stale_notes(candidate_ids)
        partner_model = self.env["res.partner"].with_context(active_test=False)
        types_by_channel = self._types_by_channel()
        usage = {}
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
                partners, today, horizon_days, usage, types_by_channel
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
