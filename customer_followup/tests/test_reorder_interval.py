from datetime import date
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from ..models import customer_reorder_interval
from .common import FollowupCase

CRON = "customer_followup.ir_cron_reorder_intervals"
TODAY = "2026-06-16 03:00:00"


@tagged("post_install", "-at_install")
class TestReorderInterval(FollowupCase):
    """Reorder intervals learned from the confirmed orders, with hand-computed
    medians and interquartile ranges (``percentile_cont`` interpolates: of
    the sorted intervals x0..x(n-1), the quantile p is at position p*(n-1))."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.followup_window_months = 24
        cls.other_salesman = new_test_user(
            cls.env,
            login="cf_reorder_other",
            name="Kato Salesman",
            groups="sales_team.group_sale_salesman",
        )
        Partner = cls.env["res.partner"]
        # regular: the gasket every 28 days
        cls.regular = cls.customer
        for day in ("2026-03-02", "2026-03-30", "2026-04-27", "2026-05-25"):
            cls._sell(cls.regular, cls.gasket, f"{day} 10:00:00")
        # outside the 24-month window: not counted
        cls._sell(cls.regular, cls.gasket, "2024-06-01 10:00:00")
        # only twice: too few purchases
        cls._sell(cls.regular, cls.kettle, "2026-02-01 10:00:00")
        cls._sell(cls.regular, cls.kettle, "2026-05-01 10:00:00")
        # a quotation is no purchase
        cls._sell(cls.regular, cls.kettle, "2026-06-01 10:00:00", confirm=False)
        # irregular, another salesperson's customer, ordering through a contact
        cls.irregular = Partner.create({"name": "Hanamaru Ramen", "is_company": True})
        cls.irregular.user_id = cls.other_salesman
        cls.irregular_contact = Partner.create(
            {"name": "Ono Kenji", "parent_id": cls.irregular.id}
        )
        for day in (
            "2026-01-05",
            "2026-01-15",
            "2026-02-14",
            "2026-02-24",
            "2026-04-05",
        ):
            cls._sell(cls.irregular_contact, cls.valve, f"{day} 10:00:00")
        # three orders, but two on the same day: two purchase days only
        cls.same_day = Partner.create({"name": "Umi Sushi", "user_id": False})
        for moment in (
            "2026-05-01 00:00:00",
            "2026-05-01 14:59:00",  # 23:59 in Tokyo
            "2026-06-01 10:00:00",
        ):
            cls._sell(cls.same_day, cls.valve, moment)

    def _intervals(self, partner=None):
        domain = [("partner_id", "=", partner.id)] if partner else []
        return self.env["customer.reorder.interval"].search(domain)

    def test_regular_customer(self):
        self._run_cron(TODAY, CRON)
        row = self._intervals(self.regular)
        self.assertEqual(len(row), 1, "the kettle, bought twice, is not learned")
        self.assertEqual(row.product_id, self.gasket)
        self.assertEqual(row.purchase_count, 4)
        self.assertEqual(row.first_purchase_date, date(2026, 3, 2))
        self.assertEqual(row.last_purchase_date, date(2026, 5, 25))
        self.assertEqual(row.median_interval_days, 28.0)
        self.assertEqual(row.spread_days, 0.0)
        self.assertEqual(row.expected_date, date(2026, 6, 22))
        self.assertEqual(row.late_date, date(2026, 6, 22))
        self.assertEqual(row.reorder_state, "due", "expected within 7 days")
        self.assertEqual(row.user_id, self.salesman)

    def test_irregular_customer_is_late(self):
        self._run_cron(TODAY, CRON)
        row = self._intervals(self.irregular)
        # intervals 10, 30, 10, 40 -> sorted 10, 10, 30, 40: median (10 + 30)
        # / 2 = 20; Q1 at 0.75 = 10; Q3 at 2.25 = 30 + 0.25 * 10 = 32.5
        self.assertEqual(row.product_id, self.valve)
        self.assertEqual(row.purchase_count, 5)
        self.assertEqual(row.median_interval_days, 20.0)
        self.assertEqual(row.spread_days, 22.5)
        self.assertEqual(row.expected_date, date(2026, 4, 25))
        # 2026-04-05 + ceil(20 + 22.5) = 43 days
        self.assertEqual(row.late_date, date(2026, 5, 18))
        self.assertEqual(row.reorder_state, "late")
        self.assertEqual(row.user_id, self.other_salesman)

    def test_too_few_purchase_days(self):
        self._run_cron(TODAY, CRON)
        self.assertFalse(self._intervals(self.same_day))

    def test_order_ends_late_and_rerun_keeps_rows(self):
        self._run_cron(TODAY, CRON)
        rows = self._intervals()
        self.assertEqual(len(rows), 2)
        late = self._intervals(self.irregular)
        self._run_cron(TODAY, CRON)
        self.assertEqual(self._intervals(), rows, "same rows, same ids")
        self._sell(self.irregular_contact, self.valve, "2026-06-16 09:00:00")
        self._run_cron("2026-06-17 03:00:00", CRON)
        # intervals 10, 30, 10, 40, 72 -> 10, 10, 30, 40, 72: median 30,
        # Q1 10, Q3 40: spread 30
        self.assertEqual(self._intervals(self.irregular), late)
        self.assertEqual(late.purchase_count, 6)
        self.assertEqual(late.median_interval_days, 30.0)
        self.assertEqual(late.spread_days, 30.0)
        self.assertEqual(late.expected_date, date(2026, 7, 16))
        self.assertEqual(late.reorder_state, "waiting")

    def test_rows_of_a_lost_pair_are_removed(self):
        self._run_cron(TODAY, CRON)
        # two years later the window holds none of these purchases
        self._run_cron("2028-07-01 03:00:00", CRON)
        self.assertFalse(self._intervals())

    def test_batches_give_the_same_table(self):
        with patch.object(customer_reorder_interval, "REORDER_BATCH_SIZE", 1):
            self._run_cron(TODAY, CRON)
        one_by_one = self._intervals().read(
            ["partner_id", "median_interval_days", "spread_days", "late_date"]
        )
        self._run_cron(TODAY, CRON)
        self.assertEqual(
            self._intervals().read(
                ["partner_id", "median_interval_days", "spread_days", "late_date"]
            ),
            one_by_one,
        )

    def test_filters_of_the_week(self):
        """The list's filters, evaluated on 2026-06-16 as the web client
        does: the regular is expected this week, the irregular is late."""
        self._run_cron(TODAY, CRON)
        view = self.env.ref("customer_followup.customer_reorder_interval_view_search")
        arch = etree.fromstring(view.arch)
        values = {
            "context_today": lambda: date(2026, 6, 16),
            "relativedelta": relativedelta,
        }
        Interval = self.env["customer.reorder.interval"]
        found = {}
        for name in ("due_this_week", "late"):
            [node] = arch.xpath(f"//filter[@name='{name}']")
            found[name] = Interval.search(safe_eval(node.get("domain"), values))
        self.assertEqual(found["due_this_week"].partner_id, self.regular)
        self.assertEqual(found["late"].partner_id, self.irregular)

    def test_salesperson_sees_own_customers_only(self):
        self._run_cron(TODAY, CRON)
        Interval = self.env["customer.reorder.interval"]
        self.assertEqual(
            Interval.with_user(self.salesman).search([]).partner_id, self.regular
        )
        self.assertEqual(
            Interval.with_user(self.other_salesman).search([]).partner_id,
            self.irregular,
        )
        self.assertEqual(len(Interval.with_user(self.manager).search([])), 2)
        with self.assertRaises(AccessError):
            self._intervals(self.irregular).with_user(self.salesman).read(
                ["median_interval_days"]
            )
        with self.assertRaises(AccessError):
            self._intervals(self.regular).with_user(self.salesman).write(
                {"median_interval_days": 1.0}
            )
