from dateutil.relativedelta import relativedelta

from odoo import fields, http
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.base.tests.common import HttpCaseWithUserPortal


@tagged("post_install", "-at_install")
class TestPortalProducts(HttpCaseWithUserPortal):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        product_vals = {"type": "consu", "sale_ok": True, "taxes_id": False}
        Product = cls.env["product.product"]
        cls.cooker = Product.create(
            dict(product_vals, name="Portal Cooker", default_code="PC-P1")
        )
        cls.gasket = Product.create(
            dict(product_vals, name="Portal Gasket", list_price=15.0)
        )
        cls.kettle = Product.create(dict(product_vals, name="Kettle without rule"))
        cls.rule = cls.env["product.consumable.rule"].create(
            {
                "product_tmpl_id": cls.cooker.product_tmpl_id.id,
                "part_product_id": cls.gasket.id,
                "interval_months": 24,
                "lead_days": 30,
                "window_months": 6,
                "delivery": "mail",
            }
        )
        cls.partner_portal.email = "joel@example.com"
        other_user = new_test_user(
            cls.env, login="other_portal", groups="base.group_portal"
        )
        cls.other_partner = other_user.partner_id
        Registration = cls.env["customer.product.registration"]
        cls.today = fields.Date.today()
        cls.mine = Registration.create(
            {
                "partner_id": cls.partner_portal.id,
                "product_id": cls.cooker.id,
                "serial": "MINE-0001",
                "purchase_date": cls.today - relativedelta(months=23, days=10),
            }
        )
        cls.theirs = Registration.create(
            {
                "partner_id": cls.other_partner.id,
                "product_id": cls.cooker.id,
                "serial": "THEIRS-0002",
                "purchase_date": cls.today - relativedelta(months=3),
            }
        )

    def _post(self, url, data, csrf=True):
        if csrf:
            data = dict(data, csrf_token=http.Request.csrf_token(self))
        return self.url_open(url, data=data, allow_redirects=True)

    def _registrations(self):
        return self.env["customer.product.registration"].search(
            [("partner_id", "=", self.partner_portal.id)]
        )

    def test_portal_user_sees_only_own_products(self):
        self.authenticate("portal", "portal")
        page = self.url_open("/my/products").text
        self.assertIn("MINE-0001", page)
        self.assertIn("Portal Gasket", page)
        self.assertNotIn("THEIRS-0002", page)
        home = self.url_open("/my/home").text
        self.assertIn("/my/products", home)

    def test_portal_user_has_no_backend_access_to_registrations(self):
        Registration = self.env["customer.product.registration"].with_user(
            self.user_portal
        )
        self.assertFalse(Registration.has_access("read"))

    def test_register_a_product_bought_elsewhere(self):
        self.authenticate("portal", "portal")
        response = self._post(
            "/my/products/register",
            {
                "product_id": self.cooker.id,
                "purchase_date": str(self.today - relativedelta(months=5)),
                "serial": "ELSEWHERE-77",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("your product is registered", response.text)
        registration = self._registrations().filtered(
            lambda r: r.serial == "ELSEWHERE-77"
        )
        self.assertEqual(registration.product_id, self.cooker)
        self.assertEqual(registration.partner_id, self.partner_portal)
        self.assertEqual(registration.origin, "portal")
        self.assertEqual(
            registration.state, "to_confirm", "not bought from us: to confirm"
        )
        self.assertFalse(registration.replacement_ids, "no reminder before")
        registration.action_confirm_registration()
        self.assertEqual(registration.state, "active")
        self.assertEqual(len(registration.replacement_ids), 1)
        self.assertEqual(
            registration.replacement_ids.due_date,
            self.today - relativedelta(months=5) + relativedelta(months=24),
        )

    def test_bad_registrations_write_nothing(self):
        self.authenticate("portal", "portal")
        before = self._registrations()
        tomorrow = str(self.today + relativedelta(days=1))
        cases = [
            ({"product_id": "999999", "purchase_date": "2025-01-01"}, "Choose one"),
            ({"product_id": self.kettle.id, "purchase_date": "2025-01-01"}, "Choose"),
            ({"product_id": "x'; DROP", "purchase_date": "2025-01-01"}, "Choose"),
            ({"product_id": self.cooker.id, "purchase_date": tomorrow}, "future"),
            ({"product_id": self.cooker.id, "purchase_date": "31/02/2025"}, "YYYY"),
            ({"product_id": self.cooker.id, "purchase_date": "1900-01-01"}, "years"),
            (
                {
                    "product_id": self.cooker.id,
                    "purchase_date": "2025-01-01",
                    "serial": "S" * 65,
                },
                "limited",
            ),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                response = self._post("/my/products/register", data)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
        with (
            self.subTest("missing CSRF token"),
            mute_logger("odoo.http"),
        ):
            response = self._post(
                "/my/products/register",
                {"product_id": self.cooker.id, "purchase_date": "2025-01-01"},
                csrf=False,
            )
            self.assertIn(response.status_code, (400, 403))
        self.assertEqual(self._registrations(), before)

    def test_script_in_product_name_is_escaped(self):
        self.cooker.name = "<script>alert(1)</script>"
        self.authenticate("portal", "portal")
        page = self.url_open("/my/products").text
        self.assertNotIn("<script>alert(1)</script>", page)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)

    def test_reminders_switch(self):
        self.authenticate("portal", "portal")
        self._post("/my/products/reminders", {"stop": "1"})
        self.assertTrue(self.partner_portal.followup_no_replacement_reminder)
        self._post("/my/products/reminders", {"stop": "0"})
        self.assertFalse(self.partner_portal.followup_no_replacement_reminder)
        self.assertFalse(self.other_partner.followup_no_replacement_reminder)

    def test_customer_accepts_the_replacement_quotation(self):
        self.env.ref(
            "customer_followup.ir_cron_replacement_reminders"
        ).method_direct_trigger()
        self.env.invalidate_all()
        cycle = self.mine.replacement_ids
        self.assertEqual(cycle.state, "reminded")
        quotation = cycle.quotation_id
        self.assertTrue(quotation)
        quotation.require_payment = False
        self.start_tour("/my/products", "customer_followup_portal", login="portal")
        self.assertEqual(quotation.state, "sale")
        self.assertEqual(cycle.state, "ordered")
