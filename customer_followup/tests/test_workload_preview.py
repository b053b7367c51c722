from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.customer_followup.models.customer_followup_plan_line import (
    PlanAction,
)

from .common import FollowupTierCase

NOW = "2026-03-25 09:00:00"


@tagged("post_install", "-at_install")
class TestWorkloadPreview(FollowupTierCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.followup_user_id = cls.salesman_2
        with freeze_time(NOW):
            cls.customers = cls.env["res.partner"]
            for i in range(8):
                partner = cls._customer(
                    f"Preview customer {i}",
                    followup_tier_id=(cls.tier_a, cls.tier_b)[i % 2].id,
                    user_id=cls.salesman.id if i < 6 else False,
                    followup_no_visit=i == 4,
                )
                cls.env["customer.touchpoint"].create(
                    {
                        "partner_id": partner.id,
                        "type_id": cls.type_printed.id,
                        "date": f"2026-01-{10 + i} 10:00:00",
                    }
                )
                cls.customers |= partner
            # their next follow-up (no contact that counts: today) is of NOW
            cls.env.flush_all()

    def _wizard(self, horizon, user=None):
        env = self.env(user=user) if user else self.env
        with freeze_time(NOW):
            return env["customer.followup.workload"].create({"horizon_days": horizon})

    def test_preview_creates_nothing(self):
        # A salesperson previews the whole team's workload.
        wizard = self._wizard(30, user=self.salesman)
        with freeze_time(NOW):
            wizard.action_compute()
        self.assertTrue(wizard.line_ids)
        self.assertIn(self.salesman_2, wizard.line_ids.user_id)
        self.assertFalse(self._planned_activities())
        self.assertFalse(self.customers.filtered("followup_deferred_reason"))

    def test_preview_matches_planner(self):
        self.company.followup_horizon_days = 30
        wizard = self._wizard(30)
        with freeze_time(NOW):
            wizard.action_compute()
            plan = wizard._get_plan()
        expected = {
            (line.partner.id, line.user.id, line.touchpoint_type.id)
            for line in plan
            if line.action == PlanAction.CREATE
        }
        deferred = {
            line.partner.id for line in plan if line.action == PlanAction.DEFERRED
        }
        self.assertTrue(deferred, "the preview must show capacity limits")
        self._run_cron(NOW, "customer_followup.ir_cron_plan_followups")
        activities = self._planned_activities(self.customers)
        created = {
            (a.res_id, a.user_id.id, a.followup_touchpoint_type_id.id)
            for a in activities
        }
        self.assertEqual(created, expected)
        self.assertEqual(
            set(self.customers.filtered("followup_deferred_reason").ids), deferred
        )
        self.assertEqual(wizard.planned_count, len(expected))
        self.assertEqual(wizard.deferred_count, len(deferred))
        # Per salesperson, contact and month against capacity: the two
        # postcards of a month fall on its 1st and 12th working days, past in
        # March on the 25th: the salesperson's three are planned on 1 and 16
        # April, the third deferred.
        postcards = wizard.line_ids.filtered(
            lambda line: (
                line.touchpoint_type_id == self.type_postcard
                and line.user_id == self.salesman
            )
        )
        april = postcards.filtered(lambda line: line.month.month == 4)
        self.assertEqual(april.planned_count, 2)
        self.assertEqual(april.capacity, 2)
        self.assertEqual(april.load_percent, 100.0)
        self.assertEqual(sum(postcards.mapped("deferred_count")), 1)
        # After the run, the preview shows the capacity as used.
        wizard_after = self._wizard(30)
        with freeze_time(NOW):
            wizard_after.action_compute()
        self.assertFalse(wizard_after.planned_count)
        self.assertEqual(wizard_after.deferred_count, len(deferred))
