# One model, one file per concept (see the base model's docstring).
# pylint: disable=consider-merging-classes-inherited
from calendar import monthrange
from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.tools import format_date

from .customer_followup_plan_line import PlanAction


class CustomerFollowupPlanner(models.AbstractModel):
    """The capacity book: what each salesperson's monthly capacity of a
    contact has used (the ledger's) and the day each follow-up gets."""

    _inherit = "customer.followup.planner"

    @api.model
    def _load_capacity_usage(self, usage, keys):
        """Fill ``usage[(user_id, type_id, month)]`` with the contacts counted
        against the capacity (the ledger's) for the given keys."""
        missing = [key for key in keys if key not in usage]
        if not missing:
            return
        for key in missing:
            usage[key] = 0
        months = sorted({key[2] for key in missing})
        used = self.env["customer.followup.ledger"]._capacity_used(
            {key[0] for key in missing},
            {key[1] for key in missing},
            months[0],
            fields.Date.end_of(months[-1], "month"),
        )
        for (user_id, type_id, day), count in used.items():
            key = (user_id, type_id, fields.Date.start_of(day, "month"))
            if key in usage and key in missing:
                usage[key] += count

    @api.model
    def _working_days(self, user, company, first, last, book):
        """The working days from ``first`` to ``last`` (whole months) of the
        salesperson's calendar (or the company's; Monday to Friday without
        one), public holidays excluded, as {first day of month: [days]}."""
        calendar = user.resource_calendar_id or company.resource_calendar_id
        key = (calendar.id, company.id, first, last)
        if key not in book.working_days:
            span = [first + timedelta(days=n) for n in range((last - first).days + 1)]
            if calendar:
                unusual = calendar._get_unusual_days(
                    datetime.combine(first, time.min),
                    datetime.combine(last, time.max),
                    company,
                )
                days = [
                    day
                    for day in span
                    if not unusual.get(fields.Date.to_string(day), False)
                ]
            else:
                days = [day for day in span if day.weekday() < 5]
            by_month = defaultdict(list)
            for day in days:
                by_month[fields.Date.start_of(day, "month")].append(day)
            book.working_days[key] = dict(by_month)
        return book.working_days[key]

    @api.model
    def _load_capacity_book(self, book, lines, today, last_day):
        """Count in ``book`` what the capacity of the salespeople and contacts
        of ``lines`` has used (the ledger's), per day and month, from the
        first day of this month to the end of the month of ``last_day``."""
        pairs = {
            (line.user.id, line.touchpoint_type.id)
            for line in lines
            if line.touchpoint_type.capacity_per_user_month
        } - book.loaded
        if not pairs:
            return
        book.loaded |= pairs
        used = self.env["customer.followup.ledger"]._capacity_used(
            {pair[0] for pair in pairs},
            {pair[1] for pair in pairs},
            fields.Date.start_of(today, "month"),
            fields.Date.end_of(last_day, "month"),
        )
        for (user_id, type_id, day), count in used.items():
            if (user_id, type_id) not in pairs:
                continue
            month_key = (user_id, type_id, fields.Date.start_of(day, "month"))
            book.days[(user_id, type_id, day)] = count
            book.months[month_key] = book.months.get(month_key, 0) + count

    @api.model
    def _schedule(self, line, company, today, horizon_end, book):
        """Give ``line`` its day: the first working day from its due date (or
        today, for an overdue customer) up to ``horizon_end`` where the
        salesperson's capacity for the contact allows one more, the monthly
        capacity being divided over the working days of the month. A contact
        without capacity goes on the first working day. Never before today."""
        start = max(today, line.deadline)
        end = max(horizon_end, start)
        first = today.replace(day=1)
        last = end.replace(day=monthrange(end.year, end.month)[1])
        months = self._working_days(line.user, company, first, last, book)
        capacity = line.touchpoint_type.capacity_per_user_month
        user_id, type_id = line.user.id, line.touchpoint_type.id
        # months in order: the working days were filed day by day
        for month_days in months.values():
            for day in month_days:
                if day < start or day > horizon_end:
                    continue
                if not book.has_room(user_id, type_id, capacity, month_days, day):
                    continue
                if capacity:
                    book.take(user_id, type_id, day)
                line.plan_date = day
                line.action = PlanAction.CREATE
                return
        if not capacity:
            # no working day left in the horizon (or none in the calendar)
            line.plan_date = start
            line.action = PlanAction.CREATE
            return
        line.action = PlanAction.DEFERRED
        reason_key = (type_id, user_id, horizon_end)
        if reason_key not in book.deferred_reasons:
            book.deferred_reasons[reason_key] = self.env._(
                "Deferred: the %(type)s capacity of %(user)s (%(capacity)s a month) "
                "is used up until %(date)s",
                type=line.touchpoint_type.name,
                user=line.user.name,
                capacity=capacity,
                date=format_date(self.env, horizon_end),
            )
        line.reason = book.deferred_reasons[reason_key]
