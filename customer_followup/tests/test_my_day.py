from odoo import Command, fields
from odoo.tests import tagged

from .common import FollowupTierCase, load_japanese


@tagged("post_install", "-at_install")
class TestMyDay(FollowupTierCase):
    """My Day for a fixture with a contact of every kind, today Monday
    2026-11-16 in Tokyo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.followup_horizon_days = 30
        cls._set_delivery(cls.gasket_rule, "activity")
        customer = cls._customer
        cls.planned = customer("Planned Ramen", followup_tier_id=cls.tier_b.id)
        cls.card = customer("Card Bakery", followup_tier_id=cls.tier_b.id)
        cls.called = customer(
            "Called Sushi", followup_tier_id=cls.tier_a.id, phone="+81 3-1234-5678"
        )
        cls.strategic = customer(
            "Strategic Hotel", followup_tier_id=cls.tier_b.id, followup_strategic=True
        )
        cls.late = customer("Late Cafe", followup_tier_id=cls.tier_c.id)
        cls.late_planned = customer("Late But Planned", followup_tier_id=cls.tier_c.id)
        cls.other = customer("Other Seller Shop", user_id=cls.salesman_2.id)
        cls.customer.write(
            {"followup_tier_id": cls.tier_b.id, "followup_no_visit": True}
        )

        today = fields.Date.to_date("2026-11-16")
        cls.a_planned = cls._activity(
            cls.planned,
            "customer_followup.mail_activity_type_postcard",
            "2026-11-11",
            followup_planned=True,
            followup_touchpoint_type_id=cls.type_postcard.id,
            followup_plan_date="2026-11-11",
        )
        cls.a_called = cls._activity(cls.called, "mail.mail_activity_data_call", today)
        cls.a_strategic = cls._activity(
            cls.strategic, "mail.mail_activity_data_call", today
        )
        cls.a_other = cls._activity(
            cls.other, "mail.mail_activity_data_call", today, user=cls.salesman_2
        )
        cls.a_future = cls._activity(
            cls.late_planned, "mail.mail_activity_data_call", "2026-11-30"
        )
        campaign = cls.env["customer.followup.campaign"].create(
            {
                "name": "New Year greeting",
                "occasion": "seasonal",
                "send_date": "2026-12-25",
                "preparation_days": 21,
                "partner_domain": repr([("id", "=", cls.card.id)]),
                "message": "<p>Thank you for this year.</p>",
                "line_ids": [
                    Command.create(
                        {
                            "tier_id": cls.tier_b.id,
                            "touchpoint_type_id": cls.type_postcard.id,
                        }
                    )
                ],
            }
        )
        cls.a_card = cls._activity(
            cls.card, "customer_followup.mail_activity_type_postcard", "2026-11-14"
        )
        cls.env["customer.followup.campaign.piece"].sudo().create(
            {
                "campaign_id": campaign.id,
                "partner_id": cls.card.id,
                "touchpoint_type_id": cls.type_postcard.id,
                "kind": "personal",
                "user_id": cls.salesman.id,
                "plan_date": "2026-11-14",
                "activity_id": cls.a_card.id,
            }
        )
        # the reminder call of the household customer's gasket, a day late
        cls._sell(cls.customer, cls.cooker, date="2024-11-20 10:00:00")
        cls._order(cls.called, "2026-09-01 10:00:00", 800.0)
        cls.env["sale.order"].create(
            {
                "partner_id": cls.called.id,
                "order_line": [
                    Command.create({"product_id": cls.kettle.id, "price_unit": 50.0})
                ],
            }
        )
        cls.type_call_point = cls.env["customer.touchpoint"].create(
            {
                "partner_id": cls.called.id,
                "type_id": cls.type_visit.id,
                "date": "2026-09-01 02:00:00",
                "summary": "Asked about the new knives",
                "user_id": cls.salesman.id,
            }
        )
        intervals = cls.env["customer.reorder.interval"].sudo()
        for partner, late_date in (
            (cls.late, "2026-11-06"),
            (cls.late_planned, "2026-11-01"),
        ):
            intervals.create(
                {
                    "partner_id": partner.id,
                    "product_id": cls.kettle.id,
                    "company_id": cls.env.company.id,
                    "user_id": cls.salesman.id,
                    "purchase_count": 4,
                    "last_purchase_date": "2026-08-01",
                    "median_interval_days": 60.0,
                    "spread_days": 7.0,
                    "expected_date": "2026-09-30",
                    "late_date": late_date,
                    "reorder_state": "late",
                }
            )

    @classmethod
    def _activity(cls, partner, xmlid, day, user=None, **vals):
        return (
            cls.env["mail.activity"]
            .sudo()
            .create(
                {
                    "res_model_id": cls.env["ir.model"]._get_id("res.partner"),
                    "res_id": partner.id,
                    "activity_type_id": cls.env.ref(xmlid).id,
                    "date_deadline": day,
                    "user_id": (user or cls.salesman).id,
                    "summary": f"Contact {partner.name}",
                    **vals,
                }
            )
        )

    def _remind(self):
        self._run_cron("2026-11-15 21:00:00")
        cycle = self._cycles()
        self.assertEqual(cycle.state, "reminded")
        activity = cycle.quotation_id.activity_ids
        activity.date_deadline = "2026-11-15"
        return cycle, activity

    def _lines(self, user):
        # the fixture's customers only (the database may hold others)
        return (
            self.env["customer.followup.my.day"]
            .with_user(user)
            .search([("partner_id", "in", self._fixture().ids)])
        )

    def _fixture(self):
        return (self.planned | self.card | self.called | self.strategic | self.late) | (
            self.late_planned | self.other | self.customer
        )

    def test_order_and_content(self):
        cycle, reminder = self._remind()
        lines = self._lines(self.salesman)
        self.assertEqual(
            [(line.partner_id, line.kind) for line in lines],
            [
                (self.late, "reorder"),  # 10 days late
                (self.planned, "followup"),  # 5 days overdue
                (self.card, "campaign"),  # 2 days
                (self.customer, "reminder"),  # 1 day
                (self.called, "contact"),  # today, tier A
                (self.strategic, "contact"),  # today, tier B, strategic
            ],
            "the other salesperson's line, the future activity and the late "
            "customer with a contact planned are not today's",
        )
        self.assertEqual(lines[0].overdue_days, 10)
        self.assertEqual(lines[3].activity_id, reminder)
        self.assertEqual(lines[0].late_products.count("\n"), 0)
        self.assertIn("Kettle", lines[0].late_products)
        self.assertIn("every 60 days", lines[0].late_products)

        called = lines[4]
        self.assertEqual(called.phone, "+81 3-1234-5678")
        self.assertIn("TA", called.tier_reason)
        self.assertIn(
            "Face-to-face visit · Asked about the new knives", called.last_contact_note
        )
        self.assertEqual(str(called.last_order_date), "2026-09-01")
        self.assertEqual(called.last_order_amount, 800.0)
        self.assertEqual(called.quotation_count, 1)
        self.assertEqual(called.value_at_stake, 850.0)
        self.assertTrue(called.outcome_asked)

        household = lines[3]
        self.assertIn(
            "Pressure Cooker 6 L: Rubber Gasket PC-600 due", household.owned_products
        )
        self.assertEqual(household.opt_outs, "no visits")
        self.assertEqual(household.quotation_count, 1, "the reminder's quotation")
        self.assertFalse(lines[1].outcome_asked, "a postcard has no outcome")

    def test_learned_reorder_listed_once(self):
        """A learned reorder of a product the customer is late to reorder is
        said once, under Late to Reorder with its rhythm, not also as a part
        due under what the customer owns."""
        cycles = self.env["customer.replacement"].sudo()
        learned = {
            "source": "learned",
            "partner_id": self.late.id,
            "company_id": self.env.company.id,
            "start_date": "2026-08-01",
            "due_date": "2026-11-10",
            "remind_date": "2026-11-03",
        }
        cycles.create(
            [
                {
                    **learned,
                    "product_id": self.kettle.id,
                    "part_product_id": self.kettle.id,
                },
                {
                    **learned,
                    "product_id": self.gasket.id,
                    "part_product_id": self.gasket.id,
                },
            ]
        )
        line = self._lines(self.salesman).filtered(
            lambda line: line.partner_id == self.late
        )
        self.assertEqual(line.late_products.count("Kettle"), 1)
        self.assertNotIn("Kettle", line.owned_products)
        self.assertIn(
            "Rubber Gasket PC-600 due",
            line.owned_products,
            "a learned reorder not late yet is a part due",
        )

    def test_part_reminded_is_listed_beyond_the_horizon(self):
        """A part the customer was reminded of is on the call sheet even when
        its due date is beyond the planner's horizon (a rule reminding long
        before the due date)."""
        cycle, _activity = self._remind()
        cycle.due_date = "2027-02-01"
        line = self._lines(self.salesman).filtered(
            lambda line: line.partner_id == self.customer
        )
        self.assertIn("Rubber Gasket PC-600 due", line.owned_products)

    def test_access(self):
        self._remind()
        salesman_lines = self._lines(self.salesman)
        self.assertNotIn(self.other, salesman_lines.partner_id)
        self.assertEqual(self._lines(self.salesman_2).partner_id, self.other)
        manager_lines = self._lines(self.manager)
        self.assertEqual(len(manager_lines), len(salesman_lines) + 1)
        groups = dict(
            self.env["customer.followup.my.day"]
            .with_user(self.manager)
            ._read_group(
                [("partner_id", "in", self._fixture().ids)], ["user_id"], ["__count"]
            )
        )
        self.assertEqual(groups[self.salesman], 6)
        self.assertEqual(groups[self.salesman_2], 1)

    def test_japanese(self):
        """The Japanese salesperson reads the lines in Japanese."""
        load_japanese(self.env)
        self._remind()
        self.salesman.lang = "ja_JP"
        lines = self._lines(self.salesman).with_context(lang="ja_JP")
        late = lines.filtered(lambda line: line.kind == "reorder")
        self.assertIn("60日ごと", late.late_products)
        household = lines.filtered(lambda line: line.kind == "reminder")
        self.assertEqual(household.opt_outs, "訪問不可")
        self.assertIn("交換時期", household.owned_products)
        self.assertIn("スコア", household.tier_reason)
        kinds = dict(lines._fields["kind"]._description_selection(lines.env))
        self.assertEqual(kinds["reorder"], "再注文遅れ")
        self.assertEqual(kinds["followup"], "計画フォロー")

    def test_overview_per_salesperson(self):
        """The overview's My Day: per salesperson, the lines overdue and due
        today, each opening that salesperson's My Day; a salesperson sees
        their own row (and nobody's), a manager everyone's."""
        self._remind()
        Overview = self.env["customer.followup.overview"]

        def my_day_rows(user):
            section = Overview.with_user(user).get_overview()["sections"][1]
            self.assertEqual(section["title"], "My Day")
            return {row["title"]: row["figures"] for row in section["rows"]}

        rows = my_day_rows(self.manager)
        overdue, today, total = rows[self.salesman.name]
        self.assertEqual(
            [overdue["value"], today["value"], total["value"]], ["4", "2", "6"]
        )
        self.assertEqual(overdue["decoration"], "danger")
        self.assertEqual(
            [f["value"] for f in rows[self.salesman_2.name]], ["0", "1", "1"]
        )
        action = overdue["action"]
        self.assertEqual(action["res_model"], "customer.followup.my.day")
        lines = self.env["customer.followup.my.day"].search(action["domain"])
        self.assertEqual(
            lines.partner_id, self.late | self.planned | self.card | self.customer
        )
        self.assertEqual(
            self.env["customer.followup.my.day"].search(total["action"]["domain"]),
            self._lines(self.salesman),
        )
        self.assertNotIn(self.salesman_2.name, my_day_rows(self.salesman))
