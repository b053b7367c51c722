from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import BrowserCase


@tagged("post_install", "-at_install")
class TestFollowupTours(BrowserCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the tours open partner forms, which need the Contact Creation group
        (cls.salesman | cls.manager).write(
            {"group_ids": [Command.link(cls.env.ref("base.group_partner_manager").id)]}
        )
        cls.tier_b = cls.env.ref("customer_followup.customer_tier_b")
        tiered = {
            "is_company": True,
            "user_id": cls.salesman.id,
            "followup_tier_id": cls.tier_b.id,
            "followup_tier_locked": True,
        }
        cls.due_customer = cls.env["res.partner"].create(
            {"name": "Tour Due Bakery", **tiered}
        )
        cls.happy_customer = cls.env["res.partner"].create(
            {"name": "Tour Happy Cafe", **tiered}
        )
        call = cls.env.ref("customer_followup.touchpoint_type_call")
        now = fields.Datetime.now()
        cls.env["customer.touchpoint"].create(
            [
                {
                    "partner_id": cls.due_customer.id,
                    "type_id": call.id,
                    "date": now - timedelta(days=cls.tier_b.cadence_days + 30),
                },
                {
                    "partner_id": cls.happy_customer.id,
                    "type_id": call.id,
                    "date": now - timedelta(days=3),
                },
            ]
        )

    def test_salesperson_logs_a_call_from_the_customer(self):
        self.start_tour(
            f"/odoo/res.partner/{self.company_customer.id}",
            "customer_followup_log_touchpoint",
            login="cf_salesman",
        )
        touchpoint = self.company_customer.touchpoint_ids
        self.assertEqual(len(touchpoint), 1)
        self.assertEqual(touchpoint.type_id.channel, "call")
        self.assertEqual(touchpoint.user_id, self.salesman)

    def test_salesperson_follows_up_a_due_customer(self):
        self.assertEqual(self.due_customer.followup_status, "overdue")
        self.start_tour(
            "/odoo/action-customer_followup.action_followup_customers",
            "customer_followup_due_customer",
            login="cf_salesman",
        )
        self.due_customer.invalidate_recordset()
        last = self.due_customer.touchpoint_ids[:1]
        self.assertIn("bigger lid", last.feedback)
        # the tour runs on the real clock: the call's day is the shop's day
        # (after 15:00 UTC it is already tomorrow in Tokyo)
        shop = self.due_customer.company_id
        self.assertEqual(
            self.due_customer.next_followup_date,
            shop._followup_date(last.date) + timedelta(days=self.tier_b.cadence_days),
        )
        self.assertGreater(self.due_customer.next_followup_date, shop._followup_today())

    def test_manager_drills_down_from_the_overview(self):
        self.start_tour(
            "/odoo/action-customer_followup.action_followup_overview",
            "customer_followup_overview",
            login="cf_manager",
        )

    def test_salesperson_first_morning_has_no_late_follow_up(self):
        """The planner ran over a backlog of customers long overdue: the
        salesperson's first morning shows today's work, none of it late."""
        visit = self.env.ref("customer_followup.touchpoint_type_visit")
        tier_a = self.env.ref("customer_followup.customer_tier_a")
        backlog = self.env["res.partner"].create(
            [
                {
                    "name": f"Tour Backlog {i}",
                    "is_company": True,
                    "user_id": self.salesman.id,
                    "followup_tier_id": tier_a.id,
                    "followup_tier_locked": True,
                }
                for i in range(6)
            ]
        )
        self.env["customer.touchpoint"].create(
            [
                {
                    "partner_id": partner.id,
                    "type_id": visit.id,
                    "date": fields.Datetime.now()
                    - timedelta(days=tier_a.cadence_days + 200 + i),
                }
                for i, partner in enumerate(backlog)
            ]
        )
        self.env.ref("customer_followup.ir_cron_plan_followups").method_direct_trigger()
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", backlog.ids)]
        )
        self.assertEqual(len(activities), 6)
        today = fields.Date.context_today(activities)
        self.assertTrue(all(a.date_deadline >= today for a in activities))
        self.start_tour("/odoo", "customer_followup_first_morning", login="cf_salesman")
