# One model, one file per concept (see the base model's docstring).
# pylint: disable=consider-merging-classes-inherited
from dataclasses import dataclass

from odoo import api, fields, models

from .customer_followup_plan_line import CapacityBook, PlanLine


@dataclass(slots=True)
class AreaVisit:
    """A planned visit the plan by area may move: ``day`` is the day
    proposed (at first the day it is planned for, ``old_day``), never after
    ``deadline``."""

    activity: object
    area: str | bool
    old_day: object
    deadline: object
    day: object
    user_id: int
    type_id: int
    capacity: int


class CustomerFollowupPlanner(models.AbstractModel):
    """Visits by area: the planned visits of the coming weeks moved so that
    neighbours (the same area: the first digits of the postal code, else the
    city) are visited on the same working day, within the salesperson's
    capacity (the capacity book's rule) and never after the day each visit is
    planned for. The nightly planner does not pack by area: it plans each
    customer on the first working day with capacity from the day it is due,
    and a day already visited in the area would come before that day (too
    early for the cadence) or after it (later than needed)."""

    _inherit = "customer.followup.planner"

    @api.model
    def _plan_visits_by_area(self, activities, first_day, last_day):
        """The ``AreaVisit`` of each planned visit of ``activities`` (open
        planned follow-ups due from ``first_day`` to ``last_day``), with the
        day proposed for it; nothing is written."""
        company = self.env.company
        today = company._followup_today()
        book = CapacityBook()
        plan_lines = [
            PlanLine(
                partner=self.env["res.partner"],
                user=activity.user_id,
                touchpoint_type=activity.followup_touchpoint_type_id,
                deadline=activity.date_deadline,
                plan_date=activity.date_deadline,
            )
            for activity in activities
        ]
        self._load_capacity_book(book, plan_lines, today, last_day)
        loaded_from = fields.Date.start_of(today, "month")
        loaded_to = fields.Date.end_of(last_day, "month")
        partners = self.env["res.partner"].browse(activities.mapped("res_id")).exists()
        areas = dict(zip(partners.ids, partners.mapped("followup_area"), strict=True))
        visits = []
        days_by_user = {}
        for activity in activities:
            user, touchpoint_type = (
                activity.user_id,
                activity.followup_touchpoint_type_id,
            )
            visit = AreaVisit(
                activity=activity,
                area=areas.get(activity.res_id, False),
                old_day=activity.date_deadline,
                deadline=activity.date_deadline,
                day=activity.date_deadline,
                user_id=user.id,
                type_id=touchpoint_type.id,
                capacity=touchpoint_type.capacity_per_user_month,
            )
            # the ledger counts the visit on its planned day: it is counted
            # on its deadline instead while it is moved
            counted = activity.followup_plan_date or activity.date_deadline
            if loaded_from <= counted <= loaded_to:
                book.take(visit.user_id, visit.type_id, counted, -1)
            book.take(visit.user_id, visit.type_id, visit.day)
            visits.append(visit)
            if user.id not in days_by_user:
                months = self._working_days(user, company, loaded_from, loaded_to, book)
                days_by_user[user.id] = {
                    day: month_days
                    for month_days in months.values()
                    for day in month_days
                    if first_day <= day <= last_day
                }
        by_area = {}
        for visit in visits:
            if visit.area:
                by_area.setdefault((visit.user_id, visit.area), []).append(visit)
        # the largest groups of neighbours first: they need the most room
        for _key, group in sorted(
            by_area.items(),
            key=lambda item: (-len(item[1]), min(v.deadline for v in item[1]), item[0]),
        ):
            self._gather_area(book, group, days_by_user[group[0].user_id])
        return visits

    @api.model
    def _gather_area(self, book, group, days):
        """Move the visits of ``group`` (one salesperson's, one area's) onto
        as few working days as the capacity and their deadlines allow: each
        round picks the day that gathers the most of them (those already on
        it first, then the later day), until no move gathers two of them."""
        todo = sorted(group, key=lambda v: (v.deadline, v.activity.id))
        while len(todo) > 1:
            best = None
            for day, month_days in days.items():
                here = [v for v in todo if v.day == day]
                moved = self._move_visits(book, todo, day, month_days)
                self._undo_moves(book, moved, day)
                score = (len(here) + len(moved), len(here), day)
                if moved and score[0] > 1 and (best is None or score > best[0]):
                    best = (score, day, month_days)
            if best is None:
                return
            _score, day, month_days = best
            for visit, _old_day in self._move_visits(book, todo, day, month_days):
                visit.day = day
            todo = [v for v in todo if v.day != day]

    @api.model
    def _move_visits(self, book, todo, day, month_days):
        """Count on ``day`` each visit of ``todo`` not on it that may be made
        then (not after its deadline, within the capacity), earliest deadline
        first; return [(visit, its former day)]. The visits' ``day`` is left."""
        moved = []
        for visit in todo:
            if visit.day == day or visit.deadline < day:
                continue
            book.take(visit.user_id, visit.type_id, visit.day, -1)
            if book.has_room(
                visit.user_id, visit.type_id, visit.capacity, month_days, day
            ):
                book.take(visit.user_id, visit.type_id, day)
                moved.append((visit, visit.day))
            else:
                book.take(visit.user_id, visit.type_id, visit.day)
        return moved

    @api.model
    def _undo_moves(self, book, moved, day):
        for visit, old_day in moved:
            book.take(visit.user_id, visit.type_id, day, -1)
            book.take(visit.user_id, visit.type_id, old_day)
