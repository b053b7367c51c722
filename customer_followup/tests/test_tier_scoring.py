import logging

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import FollowupTierCase

_logger = logging.getLogger(__name__)

NOW = "2026-03-10 09:00:00"


@tagged("post_install", "-at_install")
class TestTierScoring(FollowupTierCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._buyers()
        cls.strategic = cls._customer("Strategic Buyer", followup_strategic=True)
        cls._order(cls.strategic, "2024-07-01 10:00:00", 100.0)
        cls.ancient = cls._customer("Ancient Buyer")
        cls._order(cls.ancient, "2023-01-01 10:00:00", 90000.0)
        cls.prospect = cls._customer("Prospect")

    def test_score_ordering(self):
        self._run_cron(NOW, "customer_followup.ir_cron_compute_tiers")
        self.assertGreater(self.big.followup_score, self.medium.followup_score)
        self.assertGreater(self.medium.followup_score, self.small.followup_score)
        self.assertEqual(self.big.followup_score, 100.0)
        # The strategic flag adds the configured bonus to an equal buyer.
        self.assertAlmostEqual(
            self.strategic.followup_score, self.small.followup_score + 30.0, places=1
        )
        # Orders outside the window and customers without orders are not scored.
        self.assertFalse(self.ancient.followup_score)
        self.assertFalse(self.ancient.followup_tier_id)
        self.assertFalse(self.prospect.followup_tier_id)

    def test_strategic_bonus_capped(self):
        self.big.followup_strategic = True
        self._run_cron(NOW, "customer_followup.ir_cron_compute_tiers")
        self.assertEqual(self.big.followup_score, 100.0)

    def test_weights_and_window_are_settings(self):
        # Only monetary value counts, over five years: the ancient big buyer
        # becomes the best customer.
        self.company.write(
            {
                "followup_window_months": 60,
                "followup_weight_recency": 0,
                "followup_weight_frequency": 0,
                "followup_weight_margin": 0,
            }
        )
        self._run_cron(NOW, "customer_followup.ir_cron_compute_tiers")
        self.assertEqual(self.ancient.followup_score, 100.0)
        self.assertGreater(self.ancient.followup_score, self.big.followup_score)

    def test_tier_assignment_and_lock(self):
        # Scores: big 100, strategic 80, medium 75, small 50.
        self.tier_a.min_score = 90
        self.tier_b.min_score = 60
        self.small.write(
            {"followup_tier_id": self.tier_a.id, "followup_tier_locked": True}
        )
        self._run_cron(NOW, "customer_followup.ir_cron_compute_tiers")
        self.assertEqual(self.big.followup_tier_id, self.tier_a)
        self.assertEqual(self.strategic.followup_tier_id, self.tier_b)
        self.assertEqual(self.medium.followup_tier_id, self.tier_b)
        # Locked: the analysis keeps the tier set by hand, but updates the score.
        self.assertEqual(self.small.followup_tier_id, self.tier_a)
        self.assertTrue(self.small.followup_score)
        self.small.followup_tier_locked = False
        self._run_cron(NOW, "customer_followup.ir_cron_compute_tiers")
        self.assertEqual(self.small.followup_tier_id, self.tier_c)
        self.assertFalse(self.prospect.followup_tier_id)

    def test_tier_change_tracked(self):
        self._run_cron(NOW, "customer_followup.ir_cron_compute_tiers")
        self.assertEqual(self.big.followup_tier_id, self.tier_a)
        # The first classification is not posted; a later change is.
        self.assertFalse(self._tier_tracking(self.big))
        self.tier_a.action_archive()
        self._run_cron("2026-03-11 09:00:00", "customer_followup.ir_cron_compute_tiers")
        self.assertEqual(self.big.followup_tier_id, self.tier_b)
        tracking = self._tier_tracking(self.big)
        self.assertEqual(len(tracking), 1)
        self.assertEqual(tracking.old_value_char, self.tier_a.display_name)
        self.assertEqual(tracking.new_value_char, self.tier_b.display_name)

    def _tier_tracking(self, partner):
        return partner.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "followup_tier_id"
        )

    def test_next_followup_date(self):
        with freeze_time(NOW):
            self.big.followup_tier_id = self.tier_a
            self.assertEqual(
                self.big.next_followup_date, fields.Date.to_date("2026-03-10")
            )
            # due on the shop's today: said so, as the overview counts it
            self.assertEqual(self.big.followup_status, "due_today")
            self.assertEqual(
                self.env["res.partner"].search(
                    [("followup_status", "=", "due_today"), ("id", "=", self.big.id)]
                ),
                self.big,
            )
            self.env["customer.touchpoint"].create(
                {
                    "partner_id": self.big.id,
                    "type_id": self.type_visit.id,
                    "date": "2026-02-08 10:00:00",
                }
            )
            self.assertEqual(
                self.big.next_followup_date, fields.Date.to_date("2026-03-10")
            )
            self.env["customer.touchpoint"].create(
                {
                    "partner_id": self.big.id,
                    "type_id": self.type_visit.id,
                    "date": "2026-02-12 10:00:00",
                }
            )
            self.assertEqual(self.big.followup_status, "due_soon")
            self.assertEqual(
                self.env["res.partner"].search(
                    [("followup_status", "=", "due_soon"), ("id", "=", self.big.id)]
                ),
                self.big,
            )
            self.env["customer.touchpoint"].create(
                {
                    "partner_id": self.big.id,
                    "type_id": self.type_visit.id,
                    "date": "2026-03-01 10:00:00",
                }
            )
            self.assertEqual(
                self.big.next_followup_date, fields.Date.to_date("2026-03-31")
            )
            self.assertEqual(self.big.followup_status, "on_track")
            self.big.followup_tier_id = self.tier_c
            self.assertFalse(self.big.next_followup_date)
            self.assertEqual(self.big.followup_status, "none")
            self.assertIn(
                self.big,
                self.env["res.partner"].search([("followup_status", "=", "none")]),
            )

    def test_status_search(self):
        with freeze_time(NOW):
            self.big.followup_tier_id = self.tier_a
            self.medium.followup_tier_id = self.tier_a
            self.env["customer.touchpoint"].create(
                {
                    "partner_id": self.medium.id,
                    "type_id": self.type_visit.id,
                    "date": "2026-01-01 10:00:00",
                }
            )
            Partner = self.env["res.partner"]
            self.assertEqual(self.medium.followup_status, "overdue")
            self.assertEqual(
                Partner.search(
                    [
                        ("followup_status", "=", "overdue"),
                        ("id", "in", (self.big | self.medium).ids),
                    ]
                ),
                self.medium,
            )
            self.assertEqual(
                Partner.search(
                    [
                        ("followup_status", "in", ("due_today", "on_track")),
                        ("id", "in", (self.big | self.medium).ids),
                    ]
                ),
                self.big,
            )

    def test_score_without_margin_redistributes(self):
        # sale_margin may or may not be installed: the weights always sum up.
        self._run_cron(NOW, "customer_followup.ir_cron_compute_tiers")
        self.assertLessEqual(self.big.followup_score, 100.0)
        self.assertGreater(self.big.followup_score, 0.0)


@tagged("post_install", "-at_install")
class TestTierCronQueries(FollowupTierCase):
    def _count_queries(self, count):
        partners = self.env["res.partner"].create(
            [
                {"name": f"Batch customer {count}-{i}", "is_company": True}
                for i in range(count)
            ]
        )
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "state": "sale",
                    "date_order": "2026-01-01 10:00:00",
                    "order_line": [
                        (0, 0, {"product_id": self.kettle.id, "price_unit": 10.0 * i})
                    ],
                }
                for i, partner in enumerate(partners, start=1)
            ]
        )
        self.assertEqual(len(orders), count)
        self.env.flush_all()
        before = self.cr.sql_log_count
        self._run_cron(NOW, "customer_followup.ir_cron_compute_tiers")
        queries = self.cr.sql_log_count - before
        self.assertEqual(len(partners.filtered("followup_tier_id")), count)
        return queries

    def test_batched_queries(self):
        queries_10 = self._count_queries(10)
        self.env["res.partner"].search(
            [("followup_tier_id", "!=", False)]
        ).followup_tier_locked = True
        queries_100 = self._count_queries(100)
        _logger.info(
            "tier cron: %s queries for 10 customers, %s for 100",
            queries_10,
            queries_100,
        )
        self.assertLess(queries_100, 2 * queries_10, (queries_10, queries_100))
