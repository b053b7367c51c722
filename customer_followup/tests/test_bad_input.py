from contextlib import contextmanager
from datetime import datetime

from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FollowupCase


@tagged("post_install", "-at_install")
class TestBadInput(FollowupCase):
    """Every configurable value refuses bad input with a clear message, and
    nothing of the refused call is written."""

    @contextmanager
    def assertRefused(self, text):
        """The call raises a ValidationError, or violates a database constraint
        (which Odoo's request handler turns into a ValidationError with the
        constraint's translated message), and its changes are rolled back."""
        with mute_logger("odoo.sql_db"), self.assertRaises(Exception) as catcher:
            yield
            self.env.flush_all()
        error = catcher.exception
        if isinstance(error, IntegrityError):
            model = next(
                (
                    self.env[m]
                    for m, cls in self.env.registry.items()
                    if cls._table == error.diag.table_name
                ),
                self.env["base"],
            )
            message = model._sql_error_to_message(error)
        else:
            self.assertIsInstance(error, ValidationError)
            message = str(error)
        self.assertIn(text, message)
        self.env.invalidate_all()

    def test_touchpoint_types_and_touchpoints(self):
        call = self.env.ref("customer_followup.touchpoint_type_call")
        for weight in (0, -1):
            with self.assertRefused("Weight must be between 0.1 and 100."):
                call.weight = weight
        with self.assertRefused("between 0 and 10,000"):
            call.capacity_per_user_month = -1
        self.assertEqual((call.weight, call.capacity_per_user_month), (5, 0))
        Touchpoint = self.env["customer.touchpoint"]
        with self.assertRefused("Date must be between"):
            Touchpoint.create(
                {
                    "partner_id": self.customer.id,
                    "type_id": call.id,
                    "date": datetime(2999, 1, 1),
                }
            )
        with self.assertRefused("between 0.1 and 100"):
            Touchpoint.create(
                {"partner_id": self.customer.id, "type_id": call.id, "weight": -5}
            )
        self.assertFalse(Touchpoint.search([("partner_id", "=", self.customer.id)]))
        touchpoint = Touchpoint.create(
            {
                "partner_id": self.customer.id,
                "type_id": call.id,
                "summary": "x" * 5000,
                "feedback": "<p>Nice</p><script>alert(1)</script>",
            }
        )
        # written by the addon itself (as superuser): cut to the limit
        self.assertEqual(len(touchpoint.summary), 256)
        with self.assertRefused("Summary can hold at most 256 characters."):
            touchpoint.with_user(self.manager).summary = "x" * 5000
        self.assertNotIn("<script", touchpoint.feedback, "feedback is sanitized")

    def test_tiers(self):
        tier = self.env.ref("customer_followup.customer_tier_b")
        for score in (150, -1):
            with self.assertRefused("between 0 and 100"):
                tier.min_score = score
        with self.assertRefused("between 0 and 3,660"):
            tier.cadence_days = -5
        with self.assertRefused("give it a cadence"):
            tier.cadence_days = 0
        tier.invalidate_recordset()
        self.assertEqual(tier.cadence_days, 120)

    def test_registrations(self):
        Registration = self.env["customer.product.registration"]
        vals = {"partner_id": self.customer.id, "product_id": self.cooker.id}
        with self.assertRefused("between 0.01 and 10,000"):
            Registration.create(dict(vals, quantity=0))
        with self.assertRefused("Purchase Date must be between"):
            Registration.create(dict(vals, purchase_date="2999-01-01"))
        with self.assertRefused("future"):
            Registration.create(dict(vals, purchase_date="2199-01-01"))
        self.assertFalse(Registration.search([("partner_id", "=", self.customer.id)]))

    def test_company_settings(self):
        company = self.env.company
        with self.assertRefused("between 1 and 120"):
            company.followup_window_months = 0
        with self.assertRefused("between 0 and 365"):
            company.followup_horizon_days = -1
        for field in (
            "followup_weight_recency",
            "followup_weight_frequency",
            "followup_weight_monetary",
            "followup_weight_margin",
            "followup_strategic_bonus",
        ):
            with self.subTest(field=field), self.assertRefused("between 0 and 100"):
                company[field] = -1
        self.assertEqual(company.followup_window_months, 24)

    def test_script_in_customer_data_is_escaped_in_mail_and_postcard(self):
        self.customer.name = "<script>alert('x')</script> Yamada"
        self._sell(self.customer, self.cooker)
        self.cooker.name = "<img src=x onerror=alert(1)> Cooker"
        self._run_cron("2025-12-20 06:00:00")
        cycle = self._cycles()
        mail = self._reminder_mails(cycle)
        self.assertNotIn("<script>", mail.body_html)
        self.assertNotIn("<img src=x", mail.body_html)
        self.assertIn("&lt;script&gt;", mail.body_html)
        html = self._hagaki_html(cycle)
        self.assertNotIn("<script>alert", html)
        self.assertIn("&lt;script&gt;", html)

    def test_html_in_names_is_escaped_in_activities_and_opportunities(self):
        self.customer.name = "<b>Bold</b> Yamada"
        self.cooker.name = "<i>Cooker</i>"
        self._sell(self.customer, self.cooker)
        self.customer.write({"email": False, "followup_no_postal": True})
        self._run_cron("2025-12-20 06:00:00")
        activity_cycle = self._cycles()
        self.assertEqual(activity_cycle.delivery, "activity")
        note = str(activity_cycle.quotation_id.activity_ids.note)
        self.assertIn("&lt;b&gt;Bold&lt;/b&gt; Yamada", note)
        self.assertNotIn("<b>Bold</b>", note)
        self.assertNotIn("<i>Cooker</i>", note)

        self._set_delivery(self.gasket_rule, "opportunity")
        other = self.env["res.partner"].create(
            {"name": "<script>alert(1)</script> Sato", "user_id": self.salesman.id}
        )
        self._sell(other, self.cooker)
        self._run_cron("2025-12-20 06:00:00")
        lead = self._cycles(other).lead_id
        self.assertTrue(lead)
        for html in (str(lead.description), str(lead.activity_ids.note)):
            self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; Sato", html)
            self.assertNotIn("<script>", html)
