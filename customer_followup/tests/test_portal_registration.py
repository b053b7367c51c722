from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields, http
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.base.tests.common import HttpCaseWithUserPortal

from .common import STORY_NOW


@tagged("post_install", "-at_install")
class TestPortalRegistration(HttpCaseWithUserPortal):
    freeze_time = freeze_time(STORY_NOW)
    """The portal registration form cannot be used to spam the salesperson or
    the customer: duplicates are refused, a customer registers a bounded
    number of products a day, and products not bought from the company wait
    for the salesperson's confirmation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        product_vals = {"type": "consu", "sale_ok": True, "taxes_id": False}
        Product = cls.env["product.product"]
        cls.cooker = Product.create(dict(product_vals, name="Spam Cooker"))
        cls.gasket = Product.create(
            dict(product_vals, name="Spam Gasket", list_price=15.0)
        )
        cls.env["product.consumable.rule"].create(
            {
                "product_tmpl_id": cls.cooker.product_tmpl_id.id,
                "part_product_id": cls.gasket.id,
                "interval_months": 24,
                "lead_days": 30,
                "window_months": 6,
                "delivery": "mail",
            }
        )
        cls.salesman = new_test_user(
            cls.env,
            login="cf_portal_salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.partner_portal.write(
            {"email": "joel@example.com", "user_id": cls.salesman.id}
        )
        cls.today = fields.Date.today()
        cls.purchase_date = str(cls.today - relativedelta(months=23, days=10))

    def _post(self, data):
        data = dict(data, csrf_token=http.Request.csrf_token(self))
        return self.url_open("/my/products/register", data=data)

    def _registrations(self):
        return self.env["customer.product.registration"].search(
            [("partner_id", "=", self.partner_portal.id)]
        )

    def _register(self, serial="SN-1", **extra):
        return self._post(
            dict(
                {
                    "product_id": self.cooker.id,
                    "purchase_date": self.purchase_date,
                    "serial": serial,
                },
                **extra,
            )
        )

    def test_twenty_identical_registrations_give_one_quotation_and_one_mail(self):
        self.authenticate("portal", "portal")
        responses = [self._register() for _attempt in range(20)]
        self.assertIn("your product is registered", responses[0].text)
        for response in responses[1:]:
            self.assertEqual(response.status_code, 200)
            self.assertIn("is already registered", response.text)
        registration = self._registrations()
        self.assertEqual(len(registration), 1)
        self.assertEqual(registration.state, "to_confirm")
        activity = registration.activity_ids
        self.assertEqual(len(activity), 1, "the salesperson is asked to confirm")
        self.assertEqual(activity.user_id, self.salesman)
        self.assertIn("Spam Cooker", activity.summary)
        # no reminder before the salesperson confirms
        cron = self.env.ref("customer_followup.ir_cron_replacement_reminders")
        cron.method_direct_trigger()
        self.assertFalse(
            self.env["sale.order"].search([("partner_id", "=", self.partner_portal.id)])
        )
        registration.with_user(self.salesman).action_confirm_registration()
        self.assertEqual(registration.state, "active")
        self.assertFalse(registration.activity_ids, "the confirmation is done")
        cron.method_direct_trigger()
        quotations = self.env["sale.order"].search(
            [("partner_id", "=", self.partner_portal.id)]
        )
        self.assertEqual(len(quotations), 1)
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", "customer.replacement"),
                ("res_id", "in", registration.replacement_ids.ids),
            ]
        )
        self.assertEqual(len(mails), 1)

    def test_without_serial_the_purchase_date_makes_the_duplicate(self):
        self.authenticate("portal", "portal")
        self.assertIn("registered", self._register(serial="").text)
        self.assertIn("is already registered", self._register(serial="").text)
        other_day = str(self.today - relativedelta(months=2))
        self.assertIn(
            "your product is registered",
            self._register(serial="", purchase_date=other_day).text,
        )
        self.assertEqual(len(self._registrations()), 2)

    def test_a_product_bought_from_the_company_needs_no_confirmation(self):
        with freeze_time(self.today - relativedelta(months=23)):
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.partner_portal.id,
                    "order_line": [Command.create({"product_id": self.cooker.id})],
                }
            )
            order.action_confirm()
        self.authenticate("portal", "portal")
        self._register(serial="SECOND-ONE")
        registration = self._registrations().filtered("serial")
        self.assertEqual(registration.state, "active")
        self.assertTrue(registration.replacement_ids)

    def test_confirmation_can_be_switched_off(self):
        self.env.company.followup_confirm_portal_registrations = False
        self.authenticate("portal", "portal")
        self._register()
        self.assertEqual(self._registrations().state, "active")

    def test_daily_limit(self):
        self.env.company.followup_portal_registrations_per_day = 3
        self.authenticate("portal", "portal")
        for number in range(3):
            response = self._register(serial=f"SN-{number}")
            self.assertIn("your product is registered", response.text)
        response = self._register(serial="SN-4")
        self.assertIn("You can register 3 products a day", response.text)
        self.assertEqual(len(self._registrations()), 3)
        with freeze_time(fields.Datetime.now() + relativedelta(days=1)):
            response = self._register(serial="SN-5")
        self.assertIn("your product is registered", response.text)

    def test_html_and_oversize_fields_get_a_clear_message(self):
        self.authenticate("portal", "portal")
        cases = [
            ({"serial": "<b>bold</b>"}, "letters, digits, spaces"),
            ({"serial": "<script>alert(1)</script>"}, "letters, digits, spaces"),
            ({"serial": "S" * 10000}, "limited to 64 characters"),
            ({"purchase_date": "9" * 10000}, "Enter the purchase date"),
            ({"purchase_date": "0001-01-01"}, "more than 50 years ago"),
            ({"product_id": "1" * 10000}, "Choose one of the products"),
            ({"product_id": "<img src=x>"}, "Choose one of the products"),
        ]
        for data, message in cases:
            with self.subTest(data={k: v[:20] for k, v in data.items()}):
                response = self._register(**data)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
                self.assertNotIn("<b>bold</b>", response.text)
                self.assertNotIn("<script>alert(1)", response.text)
                self.assertNotIn("<img src=x>", response.text)
        self.assertFalse(self._registrations())

    def test_without_salesperson_a_manager_is_asked_to_confirm(self):
        self.partner_portal.user_id = False
        self.authenticate("portal", "portal")
        self._register()
        registration = self._registrations()
        activity = registration.activity_ids
        self.assertEqual(len(activity), 1, "somebody is asked to confirm")
        self.assertTrue(
            activity.user_id.has_group("customer_followup.group_followup_manager")
        )
        self.assertIn("SN-1", activity.summary)
        self.env.company.followup_user_id = self.salesman
        self._register(serial="SN-2")
        second = self._registrations().filtered(lambda r: r.serial == "SN-2")
        self.assertEqual(second.activity_ids.user_id, self.salesman)
        self.assertEqual(self.partner_portal.product_registration_count, 2)
        action = self.partner_portal.action_view_product_registrations()
        self.assertEqual(action["context"]["search_default_to_confirm"], 1)
