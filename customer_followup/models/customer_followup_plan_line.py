"""What the planner decides for one due customer (see
``customer.followup.planner``): written by the daily cron, counted by the
workload preview."""

import datetime
from dataclasses import dataclass
from enum import Enum

from odoo import fields


class PlanAction(str, Enum):
    """What happens to a due customer's follow-up."""

    # an activity is planned for the salesperson
    CREATE = "create"
    # the salesperson's capacity for the contact is reached that month
    DEFERRED = "deferred"
    # not planned: archived customer, no salesperson or no allowed contact
    SKIPPED = "skipped"


@dataclass(slots=True)
class PlanLine:
    """One due customer in a plan.

    ``user`` and ``touchpoint_type`` are recordsets, empty until the planner
    knows who contacts the customer and how; ``note`` says how the planner
    adapted the contact, ``reason`` why it deferred it (False when none)."""

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
