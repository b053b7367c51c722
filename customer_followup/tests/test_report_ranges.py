from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import FollowupCase


@tagged("post_install", "-at_install")
class TestReportRanges(FollowupCase):
    def test_conversion_report_opens_on_the_last_12_months(self):
        """Not on columns of zeros since the first product registered: the
        report opens on this month and the eleven before."""
        action = self.env.ref("customer_followup.action_customer_replacement_report")
        self.assertEqual(safe_eval(action.context), {"search_default_date": 1})
        Report = self.env["customer.replacement.report"]
        arch = etree.fromstring(
            Report.get_views([(False, "search")])["views"]["search"]["arch"]
        )
        (date_filter,) = arch.xpath("//filter[@name='date']")
        self.assertEqual(date_filter.get("default_period"), "custom_last_12_months")
        (option,) = date_filter.xpath("./filter[@name='last_12_months']")
        domain = safe_eval(option.get("domain"))

        self._sell(self.customer, self.cooker)
        self._run_cron("2025-12-20 06:00:00")
        cycle = self._cycles()
        self.assertEqual(cycle.reminded_date.isoformat(), "2025-12-20")
        for today, shown in (
            ("2025-12-31", True),
            ("2026-11-30", True),
            ("2026-12-01", False),
            ("2025-11-30", False),
        ):
            with self.subTest(today=today), freeze_time(today):
                self.assertEqual(
                    bool(Report.search([*domain, ("id", "=", cycle.id)])), shown
                )
