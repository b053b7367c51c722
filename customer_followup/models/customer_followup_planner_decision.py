# One model, one file per concept (see the base model's docstring).
# pylint: disable=consider-merging-classes-inherited
from datetime import timedelta

from odoo import api, models

from .customer_followup_plan_line import PlanAction, PlanLine


class CustomerFollowupPlanner(models.AbstractModel):
    """The planner's decisions: for each due customer, the salesperson and
    the contact (the contact policy's, within the yearly budget), then the
    day (``_schedule``)."""

    _inherit = "customer.followup.planner"

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
    def _over_budget(self, book, company, touchpoint_type, year):
        """Why ``touchpoint_type`` cannot be planned once more in ``year``
        for ``company`` (its yearly budget is used up), or False."""
        budget = touchpoint_type.yearly_budget
        if not budget:
            return False
        key = (company.id, touchpoint_type.id, year)
        if key not in book.budgets:
            book.budgets[key] = self.env["customer.followup.ledger"]._budget_used(
                company, touchpoint_type, year
            )[touchpoint_type.id]
        if book.budgets[key] < budget:
            return False
        return self.env._(
            "the yearly budget of %(budget)s %(type)s in %(year)s is used up",
            budget=budget,
            type=touchpoint_type.name,
            year=year,
        )

    @api.model
    def _resolve_touchpoint_type(
        self, partner, wanted, types_by_channel, over_budget=None
    ):
        """Return (touchpoint type or empty, note) for the tier's contact
        ``wanted``, by the contact policy's fallback chain among the contacts
        the planner can plan (allowed: the customer accepts it and its yearly
        budget, by ``over_budget``, is not used up)."""
        policy = self.env["customer.followup.policy"]
        if not policy._blocked_reason(partner, wanted) and not (
            over_budget and over_budget(wanted)
        ):
            return wanted, False
        candidates = self.env["customer.touchpoint.type"].browse(
            [t.id for t in types_by_channel.values()]
        )
        chosen, reasons = policy._choose(
            partner, wanted, candidates, blocked=over_budget
        )
        if chosen == wanted:
            return chosen, False
        if chosen:
            return chosen, self.env._(
                "%(wanted)s not allowed (%(reason)s): %(other)s instead",
                wanted=wanted.name,
                reason=reasons[0],
                other=chosen.name,
            )
        return chosen, self.env._(
            "Not planned: no allowed contact (%(reasons)s)",
            reasons=", ".join(reasons),
        )

    @api.model
    def _plan_batch(self, partners, today, horizon_days, book, types_by_channel):
        """Decide what to do for ``partners`` (already in priority order).

        Returns a list of ``PlanLine``; the ``CapacityBook`` ``book`` is
        updated with the follow-ups it plans."""
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
        current_company = self.env.company
        no_user = self.env["res.users"]
        no_type = self.env["customer.touchpoint.type"]
        for partner in partners:
            company = partner.company_id or current_company
            horizon = (
                horizon_days
                if horizon_days is not None
                else company.followup_horizon_days
            )
            horizon_end = today + timedelta(days=horizon)
            deadline = partner.next_followup_date
            if not deadline or deadline > horizon_end:
                continue
            line = PlanLine(
                partner=partner,
                user=no_user,
                touchpoint_type=no_type,
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
                partner,
                partner.followup_tier_id.touchpoint_type_id,
                types_by_channel,
                over_budget=lambda t, c=company, d=line.plan_date: self._over_budget(
                    book, c, t, d.year
                ),
            )
            if type_note:
                notes.append(type_note)
            line.note = "; ".join(notes) or False
            if not touchpoint_type:
                continue
            line.user, line.touchpoint_type = user, touchpoint_type
            if touchpoint_type.yearly_budget:
                budget_key = (company.id, touchpoint_type.id, line.plan_date.year)
                book.budgets[budget_key] = book.budgets.get(budget_key, 0) + 1
            pending.append((line, company, horizon_end))

        self._load_capacity_book(
            book,
            [line for line, _company, _end in pending],
            today,
            max((end for _line, _company, end in pending), default=today),
        )
        for line, company, horizon_end in pending:
            budget_key = (company.id, line.touchpoint_type.id, line.plan_date.year)
            self._schedule(line, company, today, horizon_end, book)
            if line.action != PlanAction.CREATE and budget_key in book.budgets:
                # deferred: its budget is not used
                book.budgets[budget_key] -= 1
        return lines
