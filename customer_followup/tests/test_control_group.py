from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command

from ..report.customer_followup_control_report import MIN_SAMPLE, Z_95
from .common import FollowupTierCase


class TestControlGroup(FollowupTierCase):
    """The planner leaves a reproducible share of the due customers of the
    chosen tiers uncontacted, never strategic or locked ones."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "followup_control_enabled": True,
                "followup_control_share": 10.0,
                "followup_control_days": 90,
                "followup_control_seed": 7,
                "followup_control_tier_ids": [Command.set(cls.tier_a.ids)],
            }
        )
        cls.due = cls.env["res.partner"].create(
            [
                {
                    "name": f"Due Customer {n:03d}",
                    "is_company": True,
                    "user_id": cls.salesman.id,
                    "followup_tier_id": cls.tier_a.id,
                }
                for n in range(400)
            ]
        )
        cls.Control = cls.env["customer.followup.control"]

    def _left_out(self, today, partners=None, write=False):
        ids = (partners or self.due).ids
        kept = self.Control._planner_candidates(ids, today, write=write)
        return set(ids) - set(kept)

    def test_reproducible_share(self):
        today = date(2025, 3, 3)
        left_out = self._left_out(today)
        # each customer drawn on its own: those whose draw is under 10 %
        period = self.Control._period_start(today, 90)
        self.assertEqual(
            left_out,
            {
                partner.id
                for partner in self.due
                if self.Control._draw_value(partner.id, period, 7) < 0.10
            },
        )
        # 10 % of 400: 40 expected; a binomial draw (sigma 6) whose customers'
        # ids depend on the tests run before, so within 4.5 sigma
        self.assertTrue(13 <= len(left_out) <= 67, len(left_out))
        self.assertEqual(self._left_out(today), left_out, "the same draw twice")
        # the same period (90 days from the epoch's periods), another day
        period_start = self.Control._period_start(today, 90)
        self.assertEqual(
            self.Control._period_start(date(2025, 3, 10), 90), period_start
        )
        self.assertEqual(self._left_out(date(2025, 3, 10)), left_out)
        # another seed draws other customers
        self.company.followup_control_seed = 8
        other = self._left_out(today)
        self.assertNotEqual(other, left_out)
        self.assertTrue(13 <= len(other) <= 67, len(other))

    def test_only_chosen_tiers_never_strategic_or_locked(self):
        today = date(2025, 3, 3)
        left_out = self._left_out(today)
        strategic = self.due.browse(sorted(left_out)[:5])
        locked = self.due.browse(sorted(left_out)[5:10])
        strategic.followup_strategic = True
        locked.followup_tier_locked = True
        now_left_out = self._left_out(today)
        self.assertFalse(now_left_out & set((strategic | locked).ids))
        self.assertEqual(now_left_out, left_out - set((strategic | locked).ids))
        # a tier not chosen is not drawn
        self.company.followup_control_tier_ids = [Command.set(self.tier_b.ids)]
        self.assertFalse(self._left_out(today))
        # off by default, and when switched off
        self.company.followup_control_enabled = False
        self.company.followup_control_tier_ids = [Command.set(self.tier_a.ids)]
        self.assertFalse(self._left_out(today))

    def test_draw_recorded_and_customer_marked(self):
        today = date(2025, 3, 3)
        left_out = self._left_out(today, write=True)
        draws = self.Control.search([("partner_id", "in", self.due.ids)])
        self.assertEqual(len(draws), 400, "every eligible due customer drawn once")
        self.assertEqual(set(draws.filtered("in_control").partner_id.ids), left_out)
        controlled = self.due.browse(sorted(left_out))
        self.assertEqual(
            set(controlled.mapped("followup_control_until")), {date(2025, 5, 31)}
        )
        self.assertFalse((self.due - controlled).filtered("followup_control_until"))
        # drawn once per period: the next day adds no draw, keeps the group
        self.assertEqual(self._left_out(date(2025, 3, 4), write=True), left_out)
        self.assertEqual(
            self.Control.search_count([("partner_id", "in", self.due.ids)]), 400
        )
        # after its period the customer is planned again and loses the mark,
        # and is not drawn again in the period after
        self.assertNotEqual(
            self.Control._period_start(date(2025, 6, 1), 90),
            self.Control._period_start(today, 90),
        )
        self.assertFalse(self._left_out(date(2025, 6, 1), controlled, write=True))
        self.assertFalse(controlled.filtered("followup_control_until"))
        self.assertEqual(
            self.Control.search_count([("partner_id", "in", controlled.ids)]),
            len(controlled),
        )
        # drawn again in a later period
        self.assertTrue(self._left_out(date(2025, 12, 1), controlled))

    def test_draw_holds_into_the_next_period(self):
        """A customer drawn on the last day of the epoch's period stays in
        its group until the end of its own observed period: not drawn again
        (nor planned, when in the control group) when the next period of
        the epoch starts the day after (found by the simulation, issue 25)."""
        next_start = self.Control._period_start(date(2025, 3, 3), 90) + timedelta(
            days=90
        )
        last_day = next_start - timedelta(days=1)
        with freeze_time(f"{last_day} 05:00:00"):
            left_out = self._left_out(last_day, write=True)
        self.assertTrue(left_out)
        controlled = self.due.browse(sorted(left_out))
        self.assertEqual(
            set(controlled.mapped("followup_control_until")),
            {last_day + timedelta(days=89)},
        )
        for day in (next_start, last_day + timedelta(days=89)):
            with freeze_time(f"{day} 05:00:00"):
                self.assertEqual(self._left_out(day, write=True), left_out, day)
        self.assertEqual(
            self.Control.search_count([("partner_id", "in", self.due.ids)]),
            400,
            "no customer drawn twice while observed",
        )
        # after the draw's period: the control customers are planned (and
        # rest a period), the others are drawn again
        after = last_day + timedelta(days=90)
        with freeze_time(f"{after} 05:00:00"):
            self.assertFalse(self._left_out(after, controlled, write=True))
            self._left_out(after, self.due - controlled, write=True)
        self.assertEqual(
            self.Control.search_count([("partner_id", "in", self.due.ids)]),
            400 + len(self.due - controlled),
        )

    def test_draw_holds_when_the_tier_changes(self):
        """A customer of the control group whose tier changes to one not
        drawn stays uncontacted until the end of its observed period: a
        contact then would count in the control group's orders (found by
        the simulation, issue 25)."""
        today = date(2025, 3, 3)
        with freeze_time(f"{today} 05:00:00"):
            left_out = self._left_out(today, write=True)
        controlled = self.due.browse(sorted(left_out))
        controlled.followup_tier_id = self.tier_b
        later = today + timedelta(days=30)
        with freeze_time(f"{later} 05:00:00"):
            self.assertEqual(self._left_out(later, write=True), left_out)
        self.assertEqual(
            set(controlled.mapped("followup_control_until")), {date(2025, 5, 31)}
        )
        # after its period it is planned, and not drawn in its new tier
        after = date(2025, 6, 1)
        with freeze_time(f"{after} 05:00:00"):
            self.assertFalse(self._left_out(after, controlled, write=True))
        self.assertEqual(
            self.Control.search_count([("partner_id", "in", controlled.ids)]),
            len(controlled),
        )

    def test_planner_leaves_control_group_uncontacted(self):
        customers = self.due[:40]
        (self.due - customers).followup_tier_id = self.tier_c
        left_out = self._left_out(date(2025, 3, 3), customers)
        with freeze_time("2025-03-03 08:00:00"):
            customers._compute_next_followup_date()
            # the workload preview leaves them out too, and records nothing
            preview = self.planner._plan(dry_run=True)
            self.assertEqual(
                {line.partner.id for line in preview} & set(customers.ids),
                set(customers.ids) - left_out,
            )
            self.assertFalse(self.Control.search([("partner_id", "in", customers.ids)]))
            self.planner._plan(dry_run=False)
        self.assertTrue(left_out, "some of the 40 customers in the control group")
        planned = self._planned_activities(customers)
        self.assertEqual(set(planned.mapped("res_id")), set(customers.ids) - left_out)
        self.assertEqual(
            set(customers.filtered("followup_control_until").ids), left_out
        )
        # switched off: the customers left out are planned the next day
        self.company.followup_control_enabled = False
        with freeze_time("2025-03-04 08:00:00"):
            self.planner._plan(dry_run=False)
        self.assertEqual(
            set(self._planned_activities(customers).mapped("res_id")),
            set(customers.ids),
        )
        self.assertFalse(customers.filtered("followup_control_until"))


class TestControlComparison(FollowupTierCase):
    """The comparison on fixed data: 30 contacted customers, half of whom
    ordered 200 each in their period, against 30 control customers, 6 of
    whom ordered 100 each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partners = cls.env["res.partner"].create(
            [
                {
                    "name": f"Compared {n:02d}",
                    "is_company": True,
                    "user_id": cls.salesman.id,
                }
                for n in range(60)
            ]
        )
        cls.contacted, cls.control = partners[:30], partners[30:]
        Control = cls.env["customer.followup.control"].sudo()
        cls.draws = Control.create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": cls.company.id,
                    "tier_id": cls.tier_b.id,
                    "date": "2025-01-01",
                    "date_to": "2025-03-31",
                    "period_start": "2024-12-31",
                    "in_control": partner in cls.control,
                }
                for partner in partners
            ]
        )
        for partner in cls.contacted[:15]:
            cls._order(partner, "2025-02-01 10:00:00", 200.0)
        for partner in cls.control[:6]:
            cls._order(partner, "2025-02-01 10:00:00", 100.0)
        # outside the observed period: not counted
        cls._order(cls.control[10], "2025-04-15 10:00:00", 900.0)
        cls._order(cls.control[11], "2024-12-20 10:00:00", 900.0)

    def _report(self):
        with freeze_time("2025-06-01"):
            report = self.env["customer.followup.control.report"].create(
                {"date_from": "2025-01-01", "date_to": "2025-01-31"}
            )
            report._compute_figures()
            return report

    def test_difference_and_interval(self):
        report = self._report()
        self.assertEqual((report.contacted_count, report.control_count), (30, 30))
        self.assertTrue(report.enough_data)
        self.assertAlmostEqual(report.contacted_order_rate, 50.0)
        self.assertAlmostEqual(report.control_order_rate, 20.0)
        # variances 30/29 * 0.25 and 30/29 * 0.16: standard error
        # sqrt(0.41 / 29) = 0.118903
        error = (0.41 / 29) ** 0.5
        self.assertAlmostEqual(report.order_rate_diff, 30.0)
        self.assertAlmostEqual(report.order_rate_low, (0.3 - Z_95 * error) * 100, 4)
        self.assertAlmostEqual(report.order_rate_high, (0.3 + Z_95 * error) * 100, 4)
        self.assertAlmostEqual(report.order_rate_low, 6.6953, 3)
        self.assertAlmostEqual(report.order_rate_high, 53.3047, 3)
        # revenue per customer 100 and 20; variances 300,000/29 and
        # 48,000/29: standard error sqrt(348,000 / 870) = 20
        self.assertAlmostEqual(report.contacted_revenue, 100.0)
        self.assertAlmostEqual(report.control_revenue, 20.0)
        self.assertAlmostEqual(report.revenue_diff, 80.0)
        # amounts in the currency's precision
        self.assertAlmostEqual(report.revenue_low, 80.0 - Z_95 * 20, delta=0.005)
        self.assertAlmostEqual(report.revenue_high, 80.0 + Z_95 * 20, delta=0.005)
        self.assertAlmostEqual(report.revenue_low, 40.80, 2)
        self.assertIn("ordered more often, by 30.0 points", report.conclusion)
        self.assertIn("more per customer", report.conclusion)

    def test_customer_drawn_again_counts_once(self):
        """A customer drawn again in later periods counts once, by its first
        draw: counted per draw, the regulars drawn in every period made the
        interval too narrow, and a customer's later draws depend on its
        earlier group (the simulation of issue 25 found a difference of
        -10.9 points, 95 % interval -20.1 to -1.8, for contacts without any
        effect)."""
        Control = self.env["customer.followup.control"].sudo()
        for period, (date_from, date_to) in enumerate(
            [("2025-04-01", "2025-06-29"), ("2025-07-01", "2025-09-28")], start=1
        ):
            Control.create(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": self.company.id,
                        "tier_id": self.tier_b.id,
                        "date": date_from,
                        "date_to": date_to,
                        "period_start": date_from,
                        "in_control": period == 2,
                    }
                    for partner in self.contacted[15:]
                ]
            )
            for partner in self.contacted[15:]:
                self._order(partner, f"{date_from} 10:00:00", 500.0)
        with freeze_time("2025-12-01"):
            report = self.env["customer.followup.control.report"].create(
                {"date_from": "2025-01-01", "date_to": "2025-12-01"}
            )
            report._compute_figures()
        # the figures of their first draws, as in test_difference_and_interval
        self.assertEqual((report.contacted_count, report.control_count), (30, 30))
        self.assertAlmostEqual(report.contacted_order_rate, 50.0)
        self.assertAlmostEqual(report.contacted_revenue, 100.0)
        self.assertAlmostEqual(report.order_rate_diff, 30.0)
        self.assertAlmostEqual(report.order_rate_low, 6.6953, 3)

    def test_not_enough_data(self):
        self.draws.filtered(lambda d: d.partner_id == self.control[-1]).unlink()
        report = self._report()
        self.assertEqual(report.control_count, MIN_SAMPLE - 1)
        self.assertFalse(report.enough_data)
        self.assertIn("Not enough data to conclude", report.conclusion)
        self.assertIn("control: 29", report.conclusion)
        self.assertEqual(report.revenue_diff, 0.0)

    def test_periods_not_over_are_pending(self):
        with freeze_time("2025-03-15"):
            report = self.env["customer.followup.control.report"].create(
                {"date_from": "2025-01-01", "date_to": "2025-01-31"}
            )
            report._compute_figures()
        self.assertEqual((report.contacted_count, report.pending_count), (0, 60))
        self.assertFalse(report.enough_data)
