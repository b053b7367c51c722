from .common import FollowupTierCase


class TestEffectReport(FollowupTierCase):
    """The orders that followed the contacts, credited to the last contact
    and shared by effort weight, hand-computed for three customers of one
    tier (attribution window of 30 days)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.followup_attribution_days = 30
        cls.tier = cls.env["customer.tier"].create(
            {"name": "Effect", "code": "EF", "sequence": 9, "min_score": 99}
        )
        Touchpoint = cls.env["customer.touchpoint"]
        cls.alpha = cls._customer("Alpha Kitchen", followup_tier_id=cls.tier.id)
        cls.beta = cls._customer("Beta Bakery", followup_tier_id=cls.tier.id)
        cls.gamma = cls._customer("Gamma Diner", followup_tier_id=cls.tier.id)
        # Alpha: a letter (3 points) then a visit (10 points)
        cls.letter = Touchpoint.create(
            {
                "partner_id": cls.alpha.id,
                "type_id": cls.type_letter.id,
                "weight": 3.0,
                "date": "2025-01-01 10:00:00",
            }
        )
        cls.visit = Touchpoint.create(
            {
                "partner_id": cls.alpha.id,
                "type_id": cls.type_visit.id,
                "weight": 10.0,
                "date": "2025-01-10 10:00:00",
            }
        )
        # in both windows: last contact the visit, shared 3/13 and 10/13
        cls._order(cls.alpha, "2025-01-15 10:00:00", 1300.0)
        # the letter's window ended on 31 January: all to the visit
        cls._order(cls.alpha, "2025-02-05 10:00:00", 260.0)
        # no contact in the 30 days before it: credited to none
        cls._order(cls.alpha, "2025-03-20 10:00:00", 500.0)
        # Beta: a call (2 points) and the customer's own reply, which is not a
        # contact of ours and gets no credit
        cls.call = Touchpoint.create(
            {
                "partner_id": cls.beta.id,
                "type_id": cls.type_call.id,
                "weight": 2.0,
                "date": "2025-01-20 09:00:00",
                "user_id": cls.salesman_2.id,
            }
        )
        cls.reply = Touchpoint.create(
            {
                "partner_id": cls.beta.id,
                "type_id": cls.type_email.id,
                "date": "2025-01-20 08:00:00",
                "direction": "inbound",
                "origin": "reply",
            }
        )
        cls._order(cls.beta, "2025-01-20 15:00:00", 100.0)
        # Gamma: not contacted in January, ordered in January
        cls._order(cls.gamma, "2025-01-25 10:00:00", 400.0)
        cls.Report = cls.env["customer.followup.effect.report"]
        cls.Report._refresh()

    def _contact_rows(self):
        rows = self.Report.search_read(
            [("partner_id", "in", (self.alpha | self.beta).ids)],
            [
                "contacted",
                "points",
                "order_count",
                "revenue",
                "order_share",
                "revenue_share",
            ],
        )
        return {row["id"]: row for row in rows}

    def test_last_contact_and_effort_shared(self):
        rows = self._contact_rows()
        self.assertEqual(
            set(rows),
            {self.letter.id, self.visit.id, self.call.id},
            "the customer's own reply is not a contact of ours",
        )
        letter, visit, call = (
            rows[self.letter.id],
            rows[self.visit.id],
            rows[self.call.id],
        )
        # last contact: both of Alpha's orders in a window go to the visit
        self.assertEqual(letter["order_count"], 0)
        self.assertAlmostEqual(letter["revenue"], 0.0)
        self.assertEqual(visit["order_count"], 2)
        self.assertAlmostEqual(visit["revenue"], 1560.0)
        # effort-shared: 1,300 split 3/13 - 10/13, then 260 to the visit
        self.assertAlmostEqual(letter["order_share"], 3 / 13)
        self.assertAlmostEqual(letter["revenue_share"], 300.0)
        self.assertAlmostEqual(visit["order_share"], 10 / 13 + 1)
        self.assertAlmostEqual(visit["revenue_share"], 1260.0)
        self.assertEqual(call["order_count"], 1)
        self.assertAlmostEqual(call["revenue"], 100.0)
        self.assertAlmostEqual(call["order_share"], 1.0)
        self.assertAlmostEqual(call["revenue_share"], 100.0)

    def test_window_setting(self):
        """A 3-day window: only Beta's order, the same day as the call."""
        cron = self.env.ref("customer_followup.ir_cron_refresh_effect_report")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        self.company.followup_attribution_days = 3
        # the change asks for the nightly update now; run it as the scheduler
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            triggers + 1,
        )
        self._run_cron(
            "2025-06-01 03:00:00", "customer_followup.ir_cron_refresh_effect_report"
        )
        rows = self._contact_rows()
        self.assertEqual(rows[self.visit.id]["order_count"], 0)
        self.assertAlmostEqual(rows[self.letter.id]["revenue_share"], 0.0)
        self.assertAlmostEqual(rows[self.call.id]["revenue"], 100.0)

    def test_per_channel_with_ratios(self):
        groups = self.Report._read_group(
            [("tier_id", "=", self.tier.id), ("contacted", "=", "contacted")],
            ["channel"],
            [
                "contact_count:sum",
                "points:sum",
                "customer_count:sum",
                "revenue_share:sum",
                "revenue_per_point:avg",
                "revenue_per_customer:avg",
            ],
        )
        by_channel = {group[0]: group[1:] for group in groups}
        self.assertEqual(set(by_channel), {"letter", "visit", "call"})
        # the customers not contacted have a row that says so, not "None"
        [(channel,)] = self.Report._read_group(
            [("tier_id", "=", self.tier.id), ("contacted", "=", "not_contacted")],
            ["channel"],
        )
        labels = dict(self.Report._fields["channel"]._description_selection(self.env))
        self.assertEqual(labels[channel], "No contact")
        contacts, points, customers, revenue, per_point, per_customer = by_channel[
            "visit"
        ]
        self.assertEqual((contacts, points, customers), (1, 10.0, 1))
        self.assertAlmostEqual(revenue, 1260.0)
        self.assertAlmostEqual(per_point, 126.0)
        self.assertAlmostEqual(per_customer, 1260.0)
        self.assertAlmostEqual(by_channel["letter"][4], 100.0)
        [(customers, revenue, per_point, per_customer)] = self.Report._read_group(
            [("tier_id", "=", self.tier.id), ("contacted", "=", "contacted")],
            [],
            [
                "customer_count:sum",
                "revenue_share:sum",
                "revenue_per_point:avg",
                "revenue_per_customer:avg",
            ],
        )
        # Alpha counted once for its two contacts
        self.assertEqual(customers, 2)
        self.assertAlmostEqual(revenue, 1660.0)
        self.assertAlmostEqual(per_point, 1660.0 / 15)
        self.assertAlmostEqual(per_customer, 830.0)

    def test_customers_counted_once_a_month_on_both_sides(self):
        """Alpha contacted again in March counts in January and in March, as
        a customer not contacted counts once in each month it was not: the
        revenue per customer of both sides is per customer-month."""
        self.env["customer.touchpoint"].create(
            {
                "partner_id": self.alpha.id,
                "type_id": self.type_call.id,
                "weight": 2.0,
                "date": "2025-03-18 10:00:00",
            }
        )
        self.Report._refresh()
        [(customers, revenue, per_customer)] = self.Report._read_group(
            [("tier_id", "=", self.tier.id), ("contacted", "=", "contacted")],
            [],
            ["customer_count:sum", "revenue_share:sum", "revenue_per_customer:avg"],
        )
        # Alpha in January and March, Beta in January; March's call takes
        # the order of 20 March (500)
        self.assertEqual(customers, 3)
        self.assertAlmostEqual(revenue, 2160.0)
        self.assertAlmostEqual(per_customer, 720.0)
        groups = self.Report._read_group(
            [("tier_id", "=", self.tier.id), ("contacted", "=", "contacted")],
            ["date:month"],
            ["customer_count:sum"],
        )
        self.assertEqual([count for _month, count in groups], [2, 1])

    def test_tier_customers_not_contacted(self):
        """January: Gamma, the tier's one customer not contacted, and its
        order of the month."""
        [(customers, orders, revenue, per_customer)] = self.Report._read_group(
            [
                ("tier_id", "=", self.tier.id),
                ("contacted", "=", "not_contacted"),
                ("date", ">=", "2025-01-01"),
                ("date", "<", "2025-02-01"),
            ],
            [],
            [
                "customer_count:sum",
                "order_count:sum",
                "revenue:sum",
                "revenue_per_customer:avg",
            ],
        )
        self.assertEqual((customers, orders), (1, 1))
        self.assertAlmostEqual(revenue, 400.0)
        self.assertAlmostEqual(per_customer, 400.0)

    def test_salesperson_sees_own_customers(self):
        other = self._customer(
            "Other Seller's Cafe",
            user_id=self.salesman_2.id,
            followup_tier_id=self.tier.id,
        )
        self.env["customer.touchpoint"].create(
            {
                "partner_id": other.id,
                "type_id": self.type_call.id,
                "date": "2025-01-05 10:00:00",
                "user_id": self.salesman_2.id,
            }
        )
        self.Report._refresh()
        seen = self.Report.with_user(self.salesman).search(
            [("contacted", "=", "contacted")]
        )
        self.assertIn(self.visit.id, seen.ids)
        self.assertNotIn(other, seen.partner_id)
        # Beta is the salesman's customer, called by the other salesperson
        self.assertIn(self.call.id, seen.ids)
        self.assertIn(
            other,
            self.Report.with_user(self.manager)
            .search([("contacted", "=", "contacted")])
            .partner_id,
        )
