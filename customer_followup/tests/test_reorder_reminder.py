from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo import sql_db
from odoo.tests import tagged

from ..models.customer_replacement_generator import LEARNED_PLANNING_LOCK
from .common import FollowupCase, load_japanese

INTERVALS_CRON = "customer_followup.ir_cron_reorder_intervals"
# every 28 days; the last purchase on 2026-05-25: expected on 2026-06-22,
# reminded 7 days before (the company's default lead time)
PURCHASE_DAYS = ("2026-03-02", "2026-03-30", "2026-04-27", "2026-05-25")


@tagged("post_install", "-at_install")
class TestReorderReminder(FollowupCase):
    """Reorder reminders of replenishable products, from the intervals the
    nightly job learns, through the replacement reminder cron."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "followup_window_months": 24,
                "followup_reorder_delivery": "mail",
                "followup_reorder_lead_days": 7,
                "followup_reorder_window_days": 60,
            }
        )
        cls.beans = cls.env["product.product"].create(
            {
                "name": "Coffee Beans 1 kg",
                "type": "consu",
                "sale_ok": True,
                "list_price": 40.0,
                "taxes_id": False,
                "followup_replenishable": True,
            }
        )
        for day in PURCHASE_DAYS:
            cls._sell(cls.customer, cls.beans, f"{day} 10:00:00")

    def _learned(self, partner=None):
        return self.env["customer.replacement"].search(
            [
                ("partner_id", "=", (partner or self.customer).id),
                ("source", "=", "learned"),
            ],
            order="id",
        )

    def _run_both(self, now):
        """The nightly job, then the reminder cron, at ``now``."""
        self._run_cron(now, INTERVALS_CRON)
        self._run_cron(now)

    def test_reminded_once_per_cycle_until_ordered(self):
        self._run_both("2026-06-14 03:00:00")
        self.assertFalse(self._learned(), "too early: no reminder before 06-15")

        for day in ("2026-06-15", "2026-06-15", "2026-06-16", "2026-06-18"):
            self._run_both(f"{day} 03:00:00")
        cycle = self._learned()
        self.assertEqual(len(cycle), 1, "one reminder per learned cycle")
        self.assertEqual(cycle.state, "reminded")
        self.assertEqual(cycle.part_product_id, self.beans)
        self.assertEqual(cycle.start_date, date(2026, 5, 25))
        self.assertEqual(cycle.due_date, date(2026, 6, 22))
        self.assertEqual(cycle.reminded_date, date(2026, 6, 15))
        self.assertEqual(cycle.delivery, "mail")
        self.assertEqual(cycle.touchpoint_type_id, self.type_email)
        self.assertEqual(cycle.touchpoint_id.origin, "reminder")
        quotation = cycle.quotation_id
        self.assertEqual(quotation.order_line.product_id, self.beans)
        self.assertEqual(quotation.partner_id, self.customer)
        self.assertEqual(
            self.env["sale.order"].search_count(
                [("partner_id", "=", self.customer.id), ("state", "=", "draft")]
            ),
            1,
            "one quotation however often the crons run",
        )
        mail = self._reminder_mails(cycle)
        self.assertEqual(len(mail), 1)
        self.assertIn("Coffee Beans 1 kg", mail.subject)
        self.assertIn(quotation.name, str(mail.body_html))

        # the customer orders: the cycle is ordered, the report counts it
        with freeze_time("2026-06-20 10:00:00"):
            quotation.action_confirm()
        self.assertEqual(cycle.state, "ordered")
        self.assertEqual(cycle.order_id, quotation)
        self.assertEqual(cycle.order_amount, 40.0)
        self.env.flush_all()
        report = self.env["customer.replacement.report"].search(
            [("part_product_id", "=", self.beans.id)]
        )
        self.assertEqual(report.source, "learned")
        self.assertEqual(report.reminded_count, 1)
        self.assertEqual(report.ordered_count, 1)
        self.assertEqual(report.conversion_rate, 100.0)
        self.assertEqual(report.order_amount, 40.0)
        # the conversion pivot's rows name it (a learned reorder has no rule)
        Report = self.env["customer.replacement.report"]
        arch = Report.get_views([(False, "pivot")])["views"]["pivot"]["arch"]
        row = etree.fromstring(arch).find(".//field[@type='row']").get("name")
        self.assertTrue(report[row])

        # the next cycle comes from the interval learned with that order:
        # intervals 28, 28, 28, 26 days, median 28: expected on 2026-07-18
        self._run_both("2026-06-21 03:00:00")
        self.assertEqual(len(self._learned()), 1)
        self._run_both("2026-07-11 03:00:00")
        cycles = self._learned()
        self.assertEqual(len(cycles), 2)
        self.assertEqual(cycles[1].start_date, date(2026, 6, 20))
        self.assertEqual(cycles[1].due_date, date(2026, 7, 18))
        self.assertEqual(cycles[1].cycle, 2)
        self.assertEqual(cycles[1].state, "reminded")

    def test_the_scheduled_actions_write_in_one_language(self):
        """Odoo runs scheduled actions without a language: the learned
        cycle's chatter said "Replacement Cycle を作成しました" in a
        Japanese shop (the model's name read in English, the text translated
        in the scheduled action's user's language)."""
        load_japanese(self.env)
        self.env["ir.module.module"]._load_module_terms(
            ["mail"], ["ja_JP"], overwrite=True
        )
        self.env.ref("base.user_root").lang = "ja_JP"
        self._run_both("2026-06-15 03:00:00")
        created = self._learned().message_ids.sorted("id")[:1]
        self.assertEqual(str(created.body), "<p>交換サイクル を作成しました</p>")

    def test_order_without_reminder_closes_cycle(self):
        """An order placed before the reminder (the nightly job has not
        learned it yet) closes the cycle without a reminder."""
        self._run_cron("2026-06-14 03:00:00", INTERVALS_CRON)
        self._sell(self.customer, self.beans, "2026-06-14 15:00:00")
        self._run_cron("2026-06-15 03:00:00")
        cycle = self._learned()
        self.assertEqual(cycle.state, "ordered")
        self.assertFalse(cycle.quotation_id)
        self.assertFalse(self._reminder_mails(cycle))

    def test_explicit_rule_wins(self):
        """The gasket is replenishable, but the cooker's rule reminds its
        owners of it: they get the rule's reminders only. A customer without
        a cooker gets the learned ones."""
        self.gasket.followup_replenishable = True
        self._sell(self.customer, self.cooker, "2026-01-10 10:00:00")
        other = self.env["res.partner"].create(
            {"name": "Hanako Suzuki", "email": "hanako@example.com"}
        )
        for day in PURCHASE_DAYS:
            self._sell(self.customer, self.gasket, f"{day} 11:00:00")
            self._sell(other, self.gasket, f"{day} 11:00:00")
        self._run_both("2026-06-16 03:00:00")
        learned = self._learned()
        self.assertEqual(learned.part_product_id, self.beans, "no learned gasket")
        self.assertEqual(self._learned(other).part_product_id, self.gasket)
        self.assertEqual(self._learned(other).state, "reminded")

        # once the customer owns a cooker, its rule reminds them of the gasket
        self._run_cron("2026-07-11 03:00:00", INTERVALS_CRON)
        self._sell(other, self.cooker, "2026-07-11 10:00:00")
        self._sell(other, self.gasket, "2026-07-11 11:00:00")
        self._run_both("2026-07-12 03:00:00")
        self.assertEqual(len(self._learned(other)), 1, "the rule reminds them now")

    def test_opted_out_customer_gets_none(self):
        self.customer.followup_no_replacement_reminder = True
        self._run_both("2026-06-16 03:00:00")
        self.assertFalse(self._learned())
        self.assertFalse(
            self.env["sale.order"].search(
                [("partner_id", "=", self.customer.id), ("state", "=", "draft")]
            )
        )

    def test_not_replenishable_gets_none(self):
        self.beans.followup_replenishable = False
        self._run_both("2026-06-16 03:00:00")
        self.assertFalse(self._learned())

    def test_postcard_texts(self):
        self.company.followup_reorder_delivery = "print"
        self._run_both("2026-06-16 03:00:00")
        cycle = self._learned()
        self.assertEqual(cycle.delivery, "print")
        self.assertEqual(cycle.touchpoint_type_id, self.type_printed)
        html = self._hagaki_html(cycle)
        self.assertIn("Time to reorder Coffee Beans 1 kg", html)

    def test_second_worker_leaves_the_planning_to_the_first(self):
        """While another worker plans learned cycles (it holds their lock
        until its batch commits), this one plans none and goes on."""
        self._run_cron("2026-06-16 03:00:00", INTERVALS_CRON)
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(other.close)
        other.execute("SELECT pg_advisory_xact_lock(%s)", [LEARNED_PLANNING_LOCK])
        Cycle = self.env["customer.replacement"].sudo()
        with freeze_time("2026-06-16 03:00:00"):
            self.assertTrue(Cycle._plan_learned_cycles(date(2026, 6, 16)))
            self.assertFalse(self._learned(), "left to the worker holding the lock")
            other.rollback()
            self.assertTrue(Cycle._plan_learned_cycles(date(2026, 6, 16)))
        self.assertEqual(len(self._learned()), 1)
