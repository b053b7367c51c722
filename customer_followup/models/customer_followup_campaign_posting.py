from datetime import timedelta

from odoo import fields, models
from odoo.tools import format_date

from .customer_followup_plan_line import PlanAction


class CustomerFollowupCampaign(models.Model):
    """The posting window of a greeting: a New Year card posted before
    15 December arrives in December, so the salespeople's cards are due
    inside the window, spread over its working days within their capacity,
    and their activities say when to post."""

    _inherit = "customer.followup.campaign"

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
