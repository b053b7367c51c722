from collections import Counter

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..models.customer_followup_plan_line import CapacityBook
from ..models.res_partner_area import followup_area
from .common import FollowupCase

D = fields.Date.to_date


@tagged("post_install", "-at_install")
class TestAreaPlan(FollowupCase):
    """Plan by area, on Monday 16 November 2026: the salesperson's planned
    visits of the coming weeks gathered by area, within the capacity and
    never after the day each is planned for."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_model_id = cls.env["ir.model"]._get_id("res.partner")

    def _visit(self, name, day, zip_code=False, city=False, user=None):
        partner = self.env["res.partner"].create(
            {
                "name": name,
                "zip": zip_code,
                "city": city,
                "user_id": (user or self.salesman).id,
            }
        )
        return self.env["mail.activity"].create(
            {
                "res_model_id": self.partner_model_id,
                "res_id": partner.id,
                "activity_type_id": self.type_visit.activity_type_id.id,
                "user_id": (user or self.salesman).id,
                "date_deadline": day,
                "followup_planned": True,
                "followup_touchpoint_type_id": self.type_visit.id,
                "followup_plan_date": day,
            }
        )

    def _propose(self, user=None, weeks=4):
        wizard = (
            self.env["customer.followup.area.plan"]
            .with_user(user or self.salesman)
            .create({"weeks": weeks})
        )
        wizard.action_propose()
        return wizard

    def _days(self, wizard):
        return {line.activity_id: line.new_date for line in wizard.line_ids}

    def _assert_deadlines(self, wizard):
        for line in wizard.line_ids:
            self.assertLessEqual(line.new_date, line.old_date)
            self.assertGreater(line.new_date, D("2026-11-16"))

    def _assert_capacity(self, capacity):
        """The ledger's count of the salesperson's visits: within each
        month's capacity and each day's share of it."""
        planner = self.env["customer.followup.planner"]
        used = self.env["customer.followup.ledger"]._capacity_used(
            {self.salesman.id}, {self.type_visit.id}, D("2026-11-01"), D("2026-12-31")
        )
        months = planner._working_days(
            self.salesman,
            self.company,
            D("2026-11-01"),
            D("2026-12-31"),
            CapacityBook(),
        )
        by_month = Counter()
        for (_user, _type, day), count in used.items():
            month_days = months[fields.Date.start_of(day, "month")]
            self.assertLessEqual(
                count, CapacityBook.day_quota(capacity, month_days, day)
            )
            by_month[fields.Date.start_of(day, "month")] += count
        for count in by_month.values():
            self.assertLessEqual(count, capacity)

    def test_area(self):
        self.assertEqual(followup_area("150-0001", "Shibuya-ku", "JP"), "〒150")
        self.assertEqual(followup_area("〒１５０－００１２", False, False), "〒150")
        self.assertEqual(followup_area("1500001", "Shibuya-ku", False), "〒150")
        self.assertEqual(followup_area("10115", "Berlin", "DE"), "Berlin")
        self.assertEqual(followup_area(False, " Osaka ", False), "Osaka")
        self.assertFalse(followup_area(False, False, False))
        self.assertEqual(self.customer.followup_area, "〒150")
        self.customer.zip = False
        self.assertEqual(self.customer.followup_area, "Shibuya-ku")

    def test_neighbours_on_one_day(self):
        """Without a capacity, the neighbours gather on the latest day every
        one of them may be visited: the first one's."""
        a1 = self._visit("A1", "2026-11-24", zip_code="150-0001")
        a2 = self._visit("A2", "2026-11-27", zip_code="１５０－００１２")
        a3 = self._visit("A3", "2026-12-04", zip_code="150-0043")
        b1 = self._visit("B1", "2026-11-18", city="Osaka")
        b2 = self._visit("B2", "2026-11-20", city="Osaka")
        alone = self._visit("C1", "2026-11-19", zip_code="600-8001")
        later = self._visit("Later", "2027-01-20", zip_code="150-0002")
        wizard = self._propose()
        days = self._days(wizard)
        self.assertNotIn(later, days)
        self.assertEqual(days[a1], D("2026-11-24"))
        self.assertEqual(days[a2], D("2026-11-24"))
        self.assertEqual(days[a3], D("2026-11-24"))
        self.assertEqual(days[b1], D("2026-11-18"))
        self.assertEqual(days[b2], D("2026-11-18"))
        self.assertEqual(days[alone], D("2026-11-19"))
        self.assertEqual(wizard.moved_count, 3)
        self.assertEqual(
            wizard.line_ids.filtered("moved").mapped("area"),
            ["Osaka", "〒150", "〒150"],
        )
        self._assert_deadlines(wizard)
        result = wizard.action_apply()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(
            (a3.date_deadline, a3.followup_plan_date), (D("2026-11-24"),) * 2
        )
        self.assertEqual(b2.date_deadline, D("2026-11-18"))
        self.assertEqual(later.date_deadline, D("2027-01-20"))

    def test_keeps_capacity_and_deadlines(self):
        """42 visits a month: two a working day in November. The day of the
        first neighbour takes one more; the third stays on its day."""
        self.type_visit.capacity_per_user_month = 42
        a1 = self._visit("A1", "2026-11-24", zip_code="150-0001")
        a2 = self._visit("A2", "2026-11-25", zip_code="150-0002")
        a3 = self._visit("A3", "2026-11-26", zip_code="150-0003")
        self._visit("Other", "2026-11-25", city="Yokohama")
        self._visit("Full 1", "2026-11-20", city="Chiba")
        self._visit("Full 2", "2026-11-20", city="Kawasaki")
        b1 = self._visit("B1", "2026-11-20", zip_code="600-0001")
        b2 = self._visit("B2", "2026-11-20", zip_code="600-0002")
        wizard = self._propose()
        days = self._days(wizard)
        self.assertEqual(days[a1], D("2026-11-24"))
        self.assertEqual(days[a2], D("2026-11-24"))
        self.assertEqual(days[a3], D("2026-11-26"))
        # 20 November held four (more than its share): the pair leaves it
        # for a day before with room for both
        self.assertEqual(days[b1], days[b2])
        self.assertLess(days[b1], D("2026-11-20"))
        self._assert_deadlines(wizard)
        wizard.action_apply()
        self._assert_capacity(42)

    def test_changed_since_the_proposal(self):
        a1 = self._visit("A1", "2026-11-24", zip_code="150-0001")
        a2 = self._visit("A2", "2026-11-27", zip_code="150-0002")
        wizard = self._propose()
        self.assertEqual(wizard.moved_count, 1)
        a1.sudo().date_deadline = "2026-11-30"
        wizard.action_apply()
        self.assertTrue(wizard.message)
        self.assertEqual(a2.date_deadline, D("2026-11-27"))
        self.assertEqual(self._days(wizard)[a1], D("2026-11-27"))
        wizard.action_apply()
        self.assertEqual(a1.date_deadline, D("2026-11-27"))

    def test_own_visits_only(self):
        other = self._visit("Mine", "2026-11-24", zip_code="150-0001")
        wizard = self.env["customer.followup.area.plan"].with_user(self.salesman)
        wizard = wizard.create({"user_id": self.manager.id})
        with self.assertRaisesText(AccessError, "You can plan your own visits only."):
            wizard.action_propose()
        by_manager = self.env["customer.followup.area.plan"].with_user(self.manager)
        by_manager = by_manager.create({"user_id": self.salesman.id})
        by_manager.action_propose()
        self.assertEqual(by_manager.line_ids.activity_id, other)
        with self.assertRaises(AccessError):
            by_manager.with_user(self.salesman).line_ids.mapped("new_date")

    def test_weeks_range(self):
        with self.assertRaisesText(
            ValidationError, "Weeks Ahead must be between 1 and 12."
        ):
            self.env["customer.followup.area.plan"].with_user(self.salesman).create(
                {"weeks": 13}
            )
