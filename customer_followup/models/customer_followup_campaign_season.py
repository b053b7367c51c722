from datetime import timedelta

from odoo import fields, models
from odoo.fields import Domain
from odoo.orm.domains import DomainCondition, DomainNary, DomainNot
from odoo.tools import format_date

from .customer_followup_plan_line import PlanAction


def without_fixed_ids(domain, neutral=Domain.TRUE):
    """``domain`` without its conditions on record ids (a list of customers
    picked one by one): what remains is the rule. A dropped condition is
    neutral where it stood: true within an AND, false within an OR."""
    if isinstance(domain, DomainCondition):
        return neutral if domain.field_expr == "id" else domain
    if isinstance(domain, DomainNot):
        inverse = Domain.FALSE if neutral.is_true() else Domain.TRUE
        return ~without_fixed_ids(domain.child, inverse)
    if isinstance(domain, DomainNary):
        if domain.OPERATOR == "|":
            return Domain.OR(
                without_fixed_ids(child, Domain.FALSE) for child in domain.children
            )
        return Domain.AND(
            without_fixed_ids(child, Domain.TRUE) for child in domain.children
        )
    return domain


class CustomerFollowupCampaign(models.Model):
    """The season of a greeting. Its posting window: a New Year card posted
    before 15 December arrives in December, so the salespeople's cards are
    due inside the window, spread over its working days within their
    capacity, and their activities say when to post. The coming season
    starts from last season's campaign: its audience is a rule (tiers, tags,
    filter), so that the customers who arrived since are in it, and planning
    the season twice opens the draft already planned."""

    _inherit = "customer.followup.campaign"

    category_ids = fields.Many2many(
        "res.partner.category",
        string="Customer Tags",
        help="Only customers with one of these tags. Empty: any tag or none.",
    )

    def _audience_domain(self):
        domain = super()._audience_domain()
        if self.category_ids:
            domain &= Domain("category_id", "in", self.category_ids.ids)
        return domain

    def _season_draft(self, send_date, template=None):
        """The draft already planned for the season of ``send_date`` (of
        ``template``, else of this campaign's template, greeting or
        occasion)."""
        domain = Domain(
            [
                ("state", "=", "draft"),
                ("send_date", "=", send_date),
                ("company_id", "=", (self.company_id or self.env.company).id),
            ]
        )
        if template:
            domain &= Domain("template_id", "=", template.id)
        elif self.template_id:
            domain &= Domain("template_id", "=", self.template_id.id)
        elif self.greeting:
            domain &= Domain("greeting", "=", self.greeting)
        else:
            domain &= Domain("occasion", "=", self.occasion)
        if self:
            domain &= Domain("id", "!=", self.id)
        return self.search(domain, order="id", limit=1)

    def _season_copy(self, vals):
        """A copy of the campaign for another season with ``vals``, its
        audience kept as a rule; the chatter says when a list of customers
        picked one by one was left out."""
        self.ensure_one()
        rule = without_fixed_ids(self._domain())
        if rule.is_false():
            # the filter was nothing but lists: the tiers and tags remain
            rule = Domain.TRUE
        vals = dict(vals, partner_domain=repr([] if rule.is_true() else list(rule)))
        campaign = self.copy(vals)
        if rule != self._domain():
            campaign.message_post(
                body=self.env._(
                    "The customers of %(name)s included a list picked one by "
                    "one: this season's campaign keeps the rule (tiers, tags, "
                    "filter) without the list, so that the customers who came "
                    "since are in it. Check the audience in the preview.",
                    name=self.name,
                )
            )
        return campaign

    def action_plan_next_year(self):
        """The same campaign a year later (the New Year greeting of next
        year), as a draft to check and confirm."""
        self.ensure_one()
        self.check_access("write")
        years = 1
        today = self.env.company._followup_today()
        while fields.Date.add(self.send_date, years=years) < today:
            years += 1
        send_date = fields.Date.add(self.send_date, years=years)
        campaign = self._season_draft(send_date)
        if campaign:
            return campaign._form_action()
        campaign = self._season_copy(
            {
                "send_date": send_date,
                # the posting window moves with the send date
                "post_date_start": self.post_date_start
                and fields.Date.add(self.post_date_start, years=years),
                "post_date_end": self.post_date_end
                and fields.Date.add(self.post_date_end, years=years),
                "name": self.env._(
                    "%(name)s (%(year)s)", name=self.name, year=send_date.year
                ),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": campaign.id,
            "view_mode": "form",
        }

    def _has_posting_window(self):
        return bool(
            self.timing == "date" and self.post_date_start and self.post_date_end
        )

    def _window(self, today, send_date=None):
        if not self._has_posting_window():
            return super()._window(today, send_date)
        end = max(today, self.post_date_end)
        return max(today, self.post_date_start), end

    def _posting_days(self, user, start, end, planner, book):
        """The working days of the salesperson from ``start`` to ``end``
        (every day of it when none is a working day)."""
        months = planner._working_days(
            user,
            self.company_id,
            fields.Date.start_of(start, "month"),
            fields.Date.end_of(end, "month"),
            book,
        )
        days = [
            day
            for month_days in months.values()
            for day in month_days
            if start <= day <= end
        ]
        return days or [
            start + timedelta(days=n) for n in range((end - start).days + 1)
        ]

    def _schedule_personal(self, line, window, planner, book):
        """Inside a posting window: the least busy working day of the window
        for the salesperson, the monthly capacity divided over the window's
        working days of the month, never over the month's capacity."""
        if not self._has_posting_window():
            return super()._schedule_personal(line, window, planner, book)
        _today, start, end, _send_date, _capacity_date = window
        days = self._posting_days(line.user, start, end, planner, book)
        capacity = line.touchpoint_type.capacity_per_user_month
        user_id, type_id = line.user.id, line.touchpoint_type.id
        by_month = {}
        for day in days:
            by_month.setdefault(fields.Date.start_of(day, "month"), []).append(day)
        best = None
        for month, month_days in by_month.items():
            if capacity and book.months.get((user_id, type_id, month), 0) >= capacity:
                continue
            for day in month_days:
                load = book.days.get((user_id, type_id, day), 0)
                if capacity and load >= book.day_quota(capacity, month_days, day):
                    continue
                if best is None or load < best[0]:
                    best = (load, day, month)
        if best is None:
            line.action = PlanAction.DEFERRED
            return self.env._(
                "the capacity of %(user)s for %(type)s (%(capacity)s a month) "
                "is used up in the posting window (%(start)s to %(end)s)",
                user=line.user.name,
                type=line.touchpoint_type.name,
                capacity=capacity,
                start=format_date(self.env, start),
                end=format_date(self.env, end),
            )
        _load, day, month = best
        day_key, month_key = (user_id, type_id, day), (user_id, type_id, month)
        book.days[day_key] = book.days.get(day_key, 0) + 1
        book.months[month_key] = book.months.get(month_key, 0) + 1
        line.plan_date = day
        line.action = PlanAction.CREATE
        return False

    def _posting_phrase(self):
        """When to post, for the salesperson's activity (in the language of
        ``self``'s context)."""
        if not self._has_posting_window():
            return False
        return self.env._(
            "post it from %(start)s to %(end)s so that it arrives on %(date)s",
            start=format_date(self.env, self.post_date_start),
            end=format_date(self.env, self.post_date_end),
            date=format_date(self.env, self.send_date),
        )
