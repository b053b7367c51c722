from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from odoo import models
from odoo.tools import format_date, split_every

from .customer_followup_campaign_audience import AUDIENCE_FIELDS
from .customer_followup_campaign_piece import piece_kind
from .customer_followup_plan_line import CapacityBook, PlanAction, PlanLine

# customers of the audience read and planned at a time: a campaign to a
# million customers must not hold them all in the ORM cache at once
AUDIENCE_CHUNK = 20000


@dataclass(slots=True)
class CampaignPlanLine:
    """What a campaign plan decides for one customer of its audience: the
    contact (``touchpoint_type``, empty when excluded), who makes it and
    when, and why the customer got a cheaper contact than its tier's or
    none (``reasons``)."""

    partner: object
    tier: object
    wanted: object
    touchpoint_type: object
    user: object
    plan_date: object = False
    reasons: list = field(default_factory=list)

    @property
    def kind(self):
        return piece_kind(self.touchpoint_type.channel)


class CustomerFollowupCampaignAllocation(models.AbstractModel):
    """Who gets which contact: the contact of the customer's tier, else the
    cheaper contacts, within the yearly budgets and the salespeople's
    capacity."""

    _name = "customer.followup.campaign.allocation"
    _description = "Follow-up Campaign Allocation"

    def _budget_used(self, touchpoint_types, send_date=None):
        """Contacts of ``touchpoint_types`` counted against their yearly
        budget in the year of the send date, this campaign's plan left out
        (the ledger's)."""
        self.ensure_one()
        send_date = send_date or self.send_date
        return self.env["customer.followup.ledger"]._budget_used(
            self.company_id, touchpoint_types, send_date.year, campaign=self._origin
        )

    # ------------------------------------------------------------------
    # Plan
    # ------------------------------------------------------------------

    def _contact_chain(self, wanted):
        """The contact of a tier, then the cheaper contacts (not heavier than
        it), heaviest first."""
        return self.env["customer.followup.policy"]._chain(
            wanted, self.fallback_type_ids
        )

    def _window(self, today, send_date=None):
        """The days the salespeople make their pieces: the preparation days
        before the send date, or before the end of the posting window (a
        card is due by the last day it may be posted), never before today."""
        last = (
            self.post_date_end
            if self.post_date_end and self.timing == "date"
            else (send_date or self.send_date) - timedelta(days=1)
        )
        end = max(today, last)
        start = max(today, last - timedelta(days=self.preparation_days - 1))
        return min(start, end), end

    def _printed_date(self, today, send_date):
        """The day the printed batch is posted: the first day of the posting
        window, or the send date."""
        if self.post_date_start and self.timing == "date":
            return max(today, self.post_date_start)
        return send_date

    def _plan(self, today=None, partners=None, send_date=None):
        """Decide the contact of each customer of the audience, or of
        ``partners`` (their anniversary on ``send_date``); nothing is
        written. Returns (plan lines, budget used before the campaign by type
        id)."""
        used_before = Counter()
        lines = [
            line
            for chunk in self._plan_chunks(today, partners, send_date, used_before)
            for line in chunk
        ]
        return lines, used_before

    def _plan_chunks(self, today=None, partners=None, send_date=None, used_before=None):
        """``_plan``, a list of plan lines at a time (the audience's order:
        the budgets and capacities go to those who matter most first); each
        chunk's customers leave the ORM cache once the next is planned. The
        budget used before the campaign is put in ``used_before``."""
        self.ensure_one()
        today = today or self.env.company._followup_today()
        send_date = send_date or self.send_date
        types = self.line_ids.touchpoint_type_id | self.fallback_type_ids
        budgets = {t.id: t.yearly_budget for t in types if t.yearly_budget}
        used_before = Counter() if used_before is None else used_before
        used_before.update(
            self._budget_used(types.filtered("yearly_budget"), send_date)
        )
        used = Counter(used_before)
        line_by_tier = {line.tier_id.id: line for line in self.line_ids}
        default_line = line_by_tier.get(False)
        window_start, window_end = self._window(today, send_date)
        book = CapacityBook()
        audience = self._audience(partners)
        chains = {}
        capacity_date = format_date(self.env, window_end + timedelta(days=1))
        # the preview of an anniversary campaign: its customers with a date
        dated = None
        if self.timing == "anniversary" and partners is None:
            dated = self._anniversary_dates()
            date_label = dict(
                self._fields["anniversary_field"]._description_selection(self.env)
            ).get(self.anniversary_field) or self.env._("anniversary")
        partner_model = self.env["res.partner"]
        for chunk_ids in split_every(AUDIENCE_CHUNK, audience.ids):
            partner_model.invalidate_model()
            chunk = audience.browse(chunk_ids)
            chunk.fetch(AUDIENCE_FIELDS)
            yield self._plan_chunk(
                chunk,
                (line_by_tier, default_line, types, chains, budgets, used, book),
                (today, window_start, window_end, send_date, capacity_date),
                (dated, date_label) if dated is not None else None,
            )

    def _plan_chunk(self, partners, plan, window, dated):
        """The plan lines of ``partners``, with the budgets and capacities
        left by the chunks before them."""
        line_by_tier, default_line, types, chains, budgets, used, book = plan
        today, window_start, window_end, send_date, capacity_date = window
        planner = self.env["customer.followup.planner"]
        company = self.company_id
        lines = []
        for partner in partners:
            tier = partner.followup_tier_id
            line = line_by_tier.get(tier.id) or default_line
            plan_line = CampaignPlanLine(
                partner=partner,
                tier=tier,
                wanted=line.touchpoint_type_id if line else types.browse(),
                touchpoint_type=types.browse(),
                user=self.env["res.users"],
            )
            lines.append(plan_line)
            if not partner.active:
                plan_line.reasons.append(self.env._("archived customer"))
                continue
            mourning = self._mourning_reason(partner, send_date)
            if mourning:
                plan_line.reasons.append(mourning)
                continue
            if dated is not None and partner.id not in dated[0]:
                plan_line.reasons.append(
                    self.env._("no date for %(date)s", date=dated[1])
                )
                continue
            if not line:
                plan_line.reasons.append(
                    self.env._(
                        "no contact for tier %(tier)s in the campaign",
                        tier=tier.display_name,
                    )
                    if tier
                    else self.env._(
                        "no tier yet, and the campaign has no contact for "
                        "customers without one"
                    )
                )
                continue
            wanted = line.touchpoint_type_id
            if wanted.id not in chains:
                chains[wanted.id] = list(self._contact_chain(wanted))
            for candidate in chains[wanted.id]:
                reason = self._assign(
                    plan_line, candidate, budgets, used, book, window, planner, company
                )
                if not reason:
                    break
                if reason not in plan_line.reasons:
                    plan_line.reasons.append(reason)
        return lines

    def _assign(
        self, plan_line, candidate, budgets, used, book, window, planner, company
    ):
        """Give ``candidate`` to the customer of ``plan_line`` if it can get
        it; return why not otherwise (translated)."""
        partner = plan_line.partner
        blocked = self.env["customer.followup.policy"]._blocked_reason(
            partner, candidate
        )
        if blocked:
            return blocked
        if candidate.id in budgets and used[candidate.id] >= budgets[candidate.id]:
            return self.env._(
                "the yearly budget of %(type)s (%(budget)s) is used up",
                type=candidate.name,
                budget=budgets[candidate.id],
            )
        user = self.env["res.users"]
        today, window_start, window_end, send_date, capacity_date = window
        plan_date = send_date
        if piece_kind(candidate.channel) == "printed":
            plan_date = self._printed_date(today, send_date)
        if piece_kind(candidate.channel) == "personal":
            user = (
                partner.user_id if partner.user_id.active else company.followup_user_id
            )
            if not user:
                return self.env._("no salesperson for %(type)s", type=candidate.name)
            schedule_line = PlanLine(
                partner=partner,
                user=user,
                touchpoint_type=candidate,
                deadline=window_start,
                plan_date=window_start,
            )
            planner._load_capacity_book(book, [schedule_line], today, window_end)
            reason = self._schedule_personal(schedule_line, window, planner, book)
            if reason:
                return reason
            plan_date = schedule_line.plan_date
        if candidate.id in budgets:
            used[candidate.id] += 1
        plan_line.touchpoint_type = candidate
        plan_line.user = user
        plan_line.plan_date = plan_date
        return False

    def _schedule_personal(self, line, window, planner, book):
        """Give the salesperson's piece of ``line`` its day within the
        preparation days; return why it cannot have one (translated)."""
        today, _start, window_end, _send_date, capacity_date = window
        planner._schedule(line, self.company_id, today, window_end, book)
        if line.action == PlanAction.CREATE:
            return False
        return self.env._(
            "the capacity of %(user)s for %(type)s (%(capacity)s a month) "
            "is used up before %(date)s",
            user=line.user.name,
            type=line.touchpoint_type.name,
            capacity=line.touchpoint_type.capacity_per_user_month,
            date=capacity_date,
        )
