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

    def test_unlimited_capacity_reads_unlimited(self):
        wizard = self._wizard(30)
        with freeze_time(NOW):
            wizard.action_compute()
        visits = wizard.line_ids.filtered(
            lambda line: line.touchpoint_type_id == self.type_visit
        )
        self.assertTrue(visits)
        self.assertEqual(set(visits.mapped("capacity_label")), {"unlimited"})
        self.assertEqual(set(visits.mapped("capacity")), {0})
        postcards = wizard.line_ids.filtered(
            lambda line: (
                line.touchpoint_type_id == self.type_postcard
                and line.month.month == 4
                and line.user_id == self.salesman
            )
        )
        self.assertEqual(postcards.capacity_label, "2 (100 %)")
        self.assertEqual(postcards.month_label, "April 2026")

    def test_every_line_names_its_salesperson_or_why_not(self):
        self.company.followup_user_id = False
        # no visits, calls or postal mail, and no email address
        self.customers[4].write(
            {"followup_no_call": True, "followup_no_postal": True, "email": False}
        )
        wizard = self._wizard(30)
        with freeze_time(NOW):
            wizard.action_compute()
        lines = wizard.line_ids
        self.assertEqual(
            sum(lines.mapped("skipped_count")), 3, "two without salesperson, one"
        )
        orphans = lines.filtered(lambda line: not line.user_id)
        self.assertEqual(len(orphans), 1)
        self.assertEqual(orphans.salesperson, "No salesperson")
        self.assertEqual(orphans.skipped_count, 2)
        self.assertEqual(orphans.partner_ids, self.customers[6:8])
        self.assertIn("no salesperson", orphans.reason)
        self.assertIn("fallback salesperson in Settings", orphans.reason)
        # a customer the planner cannot contact is still its salesperson's line
        no_contact = lines.filtered(
            lambda line: line.skipped_count and line.user_id == self.salesman
        )
        self.assertEqual(no_contact.partner_ids, self.customers[4])
        self.assertIn("no allowed contact", no_contact.reason)
        self.assertFalse(no_contact.touchpoint_type_id)
        for line in lines - orphans:
            self.assertTrue(line.user_id)
            self.assertEqual(line.salesperson, line.user_id.name)
        action = orphans.action_open_partners()
        self.assertEqual(
            self.env[action["res_model"]].search(action["domain"]),
            self.customers[6:8],
        )
        # with a fallback salesperson, they are planned for them
        self.company.followup_user_id = self.salesman_2
        with freeze_time(NOW):
            wizard.action_compute()
        self.assertFalse(wizard.line_ids.filtered(lambda line: not line.user_id))
        self.assertEqual(wizard.skipped_count, 1)
