from odoo import fields
from odoo.tests import HttpCase, tagged

from ..models.customer_followup_plan_line import CapacityBook
from .common import BrowserCase


@tagged("post_install", "-at_install")
class TestAreaTour(BrowserCase, HttpCase):
    """In the browser, as the salesperson: a visit marked done from the
    chatter asks its outcome; Plan Visits by Area proposes and applies."""

    def _visit(self, name, day, zip_code):
        partner = self.env["res.partner"].create(
            {"name": name, "zip": zip_code, "user_id": self.salesman.id}
        )
        activity = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": partner.id,
                "activity_type_id": self.type_visit.activity_type_id.id,
                "user_id": self.salesman.id,
                "date_deadline": day,
                "summary": "Tour visit",
                "followup_planned": True,
                "followup_touchpoint_type_id": self.type_visit.id,
                "followup_plan_date": day,
            }
        )
        return partner, activity

    def test_visit_outcome_from_the_chatter(self):
        partner, visit = self._visit("Tour Ramen", "2026-11-16", "150-0001")
        self.start_tour(
            f"/odoo/res.partner/{partner.id}",
            "customer_followup_visit_outcome",
            login="cf_salesman",
        )
        touchpoint = partner.touchpoint_ids
        self.assertEqual(touchpoint.type_id, self.type_visit)
        self.assertEqual(
            touchpoint.outcome_id,
            self.env.ref("customer_followup.call_outcome_no_need"),
        )
        self.assertFalse(visit.exists() and visit.active)

    def test_plan_by_area(self):
        # the browser's clock: the two next working days after tomorrow
        today = self.company._followup_today()
        months = self.env["customer.followup.planner"]._working_days(
            self.salesman,
            self.company,
            fields.Date.start_of(today, "month"),
            fields.Date.end_of(fields.Date.add(today, months=1), "month"),
            CapacityBook(),
        )
        first, second = [
            day
            for month_days in months.values()
            for day in month_days
            if day > fields.Date.add(today, days=1)
        ][:2]
        self._visit("Tour First", first, "150-0001")
        _partner, neighbour = self._visit("Tour Neighbour", second, "150-0002")
        self.start_tour(
            "/odoo/action-customer_followup.action_customer_followup_area_plan",
            "customer_followup_plan_by_area",
            login="cf_salesman",
        )
        self.assertEqual(neighbour.date_deadline, first)
