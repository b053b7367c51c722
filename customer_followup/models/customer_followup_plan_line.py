"""What the planner decides for one due customer (see
``customer.followup.planner``): written by the daily cron, counted by the
workload preview."""

import datetime
import math
from dataclasses import dataclass, field
from enum import Enum

from odoo import fields


class PlanAction(str, Enum):
    """What happens to a due customer's follow-up."""

    # an activity is planned for the salesperson
    CREATE = "create"
    # the salesperson's capacity for the contact is used up within the horizon
    DEFERRED = "deferred"
    # not planned: archived customer, no salesperson or no allowed contact
    SKIPPED = "skipped"


@dataclass(slots=True)
class PlanLine:
    """One due customer in a plan.

    ``user`` and ``touchpoint_type`` are recordsets, empty until the planner
    knows who contacts the customer and how; ``deadline`` is the day the
    customer is due (its next follow-up date, maybe past), ``plan_date`` the
    day the activity is planned for (never before today); ``note`` says how
    the planner adapted the contact, ``reason`` why it deferred it (False
    when none)."""

    partner: object
    user: object
    touchpoint_type: object
    deadline: datetime.date
    plan_date: datetime.date
    action: PlanAction = PlanAction.SKIPPED
    note: str | bool = False
    reason: str | bool = False

    @property
    def month(self):
        """First day of the month the follow-up is planned in."""
        return fields.Date.start_of(self.plan_date, "month")

    @property
    def capacity_key(self):
        """(salesperson id, touchpoint type id, month): what capacity counts."""
        return (self.user.id, self.touchpoint_type.id, self.month)


@dataclass(slots=True)
class CapacityBook:
    """The planned follow-ups already counted against each salesperson's
    capacity while a plan is made: per (salesperson id, touchpoint type id,
    month) and per (salesperson id, touchpoint type id, day), open or done,
    and the working days of each calendar."""

    months: dict = field(default_factory=dict)
    days: dict = field(default_factory=dict)
    loaded: set = field(default_factory=set)
    working_days: dict = field(default_factory=dict)
    # the contacts counted against each (company id, touchpoint type id,
    # year)'s yearly budget: the ledger's, then the plan's own
    budgets: dict = field(default_factory=dict)
    # the deferral sentence of each (type, salesperson, horizon end), written
    # once: thousands of customers may wait for the same capacity
    deferred_reasons: dict = field(default_factory=dict)

    def has_room(self, user_id, type_id, capacity, month_days, day):
        """Whether the salesperson's monthly ``capacity`` of the contact takes
        one more on ``day`` (one of ``month_days``, the working days of its
        month): the month's capacity and the day's share of it (day_quota).
        The one capacity rule of the planner and of the visits by area."""
        if not capacity:
            return True
        month = fields.Date.start_of(day, "month")
        return self.months.get((user_id, type_id, month), 0) < capacity and (
            self.days.get((user_id, type_id, day), 0)
            < self.day_quota(capacity, month_days, day)
        )

    def take(self, user_id, type_id, day, count=1):
        """Count ``count`` follow-ups of the contact on ``day`` (a negative
        count gives them back)."""
        month_key = (user_id, type_id, fields.Date.start_of(day, "month"))
        day_key = (user_id, type_id, day)
        self.months[month_key] = self.months.get(month_key, 0) + count
        self.days[day_key] = self.days.get(day_key, 0) + count

    @staticmethod
    def day_quota(capacity, month_working_days, day):
        """How many follow-ups of a monthly ``capacity`` fall on ``day``: the
        capacity divided over the working days of the month, the remainder on
        the first days (2 a month over 22 working days: the 1st and the 12th
        working day)."""
        if day not in month_working_days:
            return 0
        index = month_working_days.index(day)
        count = len(month_working_days)
        return math.ceil((index + 1) * capacity / count) - math.ceil(
            index * capacity / count
        )
