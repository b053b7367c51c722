import base64
from urllib.parse import urlsplit

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.base.tests.common import HttpCaseWithUserPortal

from .common import BrowserCase

# a 1x1 PNG: the portal accepts any image as a signature
SIGNATURE = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
).decode()


@tagged("post_install", "-at_install")
class TestCustomerPath(BrowserCase, HttpCaseWithUserPortal):
    """From the reminder to the order, as the customer (Joel Willis, the
    portal user of Odoo's test fixture) goes: the link of the mail, the
    quotation in the customer's language, signature and, where a payment
    provider can take it, online payment; the cycle ends ordered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.joel = cls.partner_portal
        cls.joel.write({"email": "joel@example.com", "user_id": cls.salesman.id})
        cls.registration = cls.env["customer.product.registration"].create(
            {
                "partner_id": cls.joel.id,
                "product_id": cls.cooker.id,
                "purchase_date": fields.Date.today()
                - relativedelta(months=23, days=10),
            }
        )
        cls.demo_provider = cls.env.ref(
            "payment.payment_provider_demo", raise_if_not_found=False
        )

    def _providers_off(self):
        self.env["payment.provider"].search([("state", "!=", "disabled")]).write(
            {"state": "disabled"}
        )

    def _demo_provider_on(self):
        if not self.demo_provider or self.demo_provider.code != "demo":
            self.skipTest(
                "payment_demo is not installed (make test installs it): "
                "no payment provider to pay with"
            )
        self.demo_provider.write({"state": "test", "is_published": True})

    def _remind(self):
        self.cron.method_direct_trigger()
        self.env.invalidate_all()
        cycle = self.registration.replacement_ids
        self.assertEqual(cycle.state, "reminded")
        self.assertTrue(cycle.quotation_id)
        return cycle, cycle.quotation_id

    def _browser_lang(self, code):
        """The language an earlier visit left in this browser."""
        for cookie in list(self.opener.cookies):
            if cookie.name == "frontend_lang":
                self.opener.cookies.clear(cookie.domain, cookie.path, cookie.name)
        self.opener.cookies.set("frontend_lang", code)

    def _japanese(self):
        self.env["res.lang"]._activate_lang("ja_JP")
        self.env["ir.module.module"]._load_module_terms(
            ["sale", "portal", "customer_followup"], ["ja_JP"], overwrite=True
        )
        self.joel.lang = "ja_JP"

    def test_signature_only_where_no_provider_is_enabled(self):
        self._providers_off()
        cycle, quotation = self._remind()
        self.assertTrue(quotation.require_signature)
        self.assertFalse(quotation.require_payment)
        self.assertTrue(quotation.followup_auto_payment)
        # the customer signs with the link of the mail, without logging in
        result = self.make_jsonrpc_request(
            f"/my/orders/{quotation.id}/accept",
            {
                "access_token": quotation.access_token,
                "name": "Joel Willis",
                "signature": SIGNATURE,
            },
        )
        self.assertIn("sign_ok", result["redirect_url"])
        self.assertEqual(quotation.state, "sale", "signing confirms the order")
        self.assertEqual(cycle.state, "ordered")
        self.assertEqual(cycle.order_id, quotation)

    def test_link_of_the_mail_shows_the_shops_day(self):
        """Opened from the mail without logging in, the quotation is dated
        on the shop's clock: at 05:00 in Tokyo it is still yesterday in UTC."""
        self._providers_off()
        _cycle, quotation = self._remind()
        quotation.company_id.followup_tz = "Asia/Tokyo"
        quotation.date_order = "2026-03-01 20:00:00"
        page = self.url_open(urlsplit(quotation._get_followup_short_url()).path)
        self.assertEqual(page.status_code, 200)
        self.assertIn("03/02/2026", page.text)
        self.assertNotIn("03/01/2026", page.text)

    def test_grouped_quotation_by_short_link_signed_in_one_step(self):
        """The reminder of two parts: the short link opens the one quotation
        with both, and one signature orders both and ends both cycles."""
        self._providers_off()
        valve_rule = self.env["product.consumable.rule"].create(
            {
                "product_tmpl_id": self.cooker.product_tmpl_id.id,
                "part_product_id": self.valve.id,
                "interval_months": 24,
                "lead_days": 30,
                "window_months": 6,
                "delivery": "mail",
            }
        )
        self.cron.method_direct_trigger()
        self.env.invalidate_all()
        cycles = self.registration.replacement_ids
        self.assertEqual(cycles.rule_id, self.gasket_rule | valve_rule)
        quotation = cycles.quotation_id
        self.assertEqual(len(quotation), 1)
        self.assertEqual(quotation.order_line.product_id, self.gasket | self.valve)
        page = self.url_open(urlsplit(quotation._get_followup_short_url()).path)
        self.assertEqual(page.status_code, 200)
        for name in ("Rubber Gasket PC-600", "Safety Valve PC-600"):
            self.assertIn(name, page.text)
        result = self.make_jsonrpc_request(
            f"/my/orders/{quotation.id}/accept",
            {
                "access_token": quotation.access_token,
                "name": "Joel Willis",
                "signature": SIGNATURE,
            },
        )
        self.assertIn("sign_ok", result["redirect_url"])
        self.assertEqual(quotation.state, "sale")
        self.assertEqual(cycles.mapped("state"), ["ordered", "ordered"])
        self.assertEqual(cycles.order_id, quotation)

    def test_payment_where_a_provider_is_enabled(self):
        self._demo_provider_on()
        _cycle, quotation = self._remind()
        self.assertTrue(quotation.require_signature)
        self.assertTrue(quotation.require_payment)

    def test_portal_follows_the_providers_enabled_since_the_reminder(self):
        self._demo_provider_on()
        _cycle, quotation = self._remind()
        self.assertTrue(quotation.require_payment)
        self._providers_off()
        url = quotation.get_portal_url()
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertFalse(
            quotation.require_payment,
            "no provider left: the customer is asked for a signature only",
        )
        self.assertTrue(quotation.followup_auto_payment)
        self.demo_provider.write({"state": "test"})
        self.url_open(url)
        self.assertTrue(quotation.require_payment)

    def test_payment_changed_by_hand_is_kept(self):
        self._demo_provider_on()
        _cycle, quotation = self._remind()
        quotation.require_payment = False
        self.assertFalse(quotation.followup_auto_payment)
        self.url_open(quotation.get_portal_url())
        self.assertFalse(quotation.require_payment)

    def test_portal_in_the_customers_language_whatever_the_browser(self):
        self._providers_off()
        self._japanese()
        _cycle, quotation = self._remind()
        english_browser = {"Accept-Language": "en-US,en;q=0.9"}
        with self.subTest("the link of the mail, not logged in"):
            link = (
                self.env["customer.replacement"]
                .search([("quotation_id", "=", quotation.id)])
                ._get_portal_quotation_url()
            )
            self.assertIn("/ja/my/orders/", link, "the link names the language")
            self.assertIn(f"access_token={quotation.access_token}", link)
            path = urlsplit(link)
            page = self.url_open(f"{path.path}?{path.query}", headers=english_browser)
            self.assertEqual(page.status_code, 200)
            self.assertIn("承認して署名", page.text)
            self.assertNotIn("Accept &amp; Sign", page.text)
        with self.subTest("Japanese the shop's default language, English browser"):
            self.env["ir.default"].set("res.partner", "lang", "ja_JP")
            link = quotation._get_followup_portal_url()
            self.assertIn("/ja/my/orders/", link, "the link names the language")
            path = urlsplit(link)
            page = self.url_open(f"{path.path}?{path.query}", headers=english_browser)
            self.assertIn("承認して署名", page.text)
            self.assertNotIn("/en/", page.url)
            self.env["ir.default"].set("res.partner", "lang", False)
        with self.subTest("the portal URL without language, English cookie"):
            self._browser_lang("en_US")
            page = self.url_open(quotation.get_portal_url(), headers=english_browser)
            self.assertIn("承認して署名", page.text)
            self.assertIn("frontend_lang=ja_JP", page.headers.get("Set-Cookie", ""))
        with self.subTest("the logged-in customer"):
            self.authenticate("portal", "portal")
            self._browser_lang("en_US")
            page = self.url_open("/my/products", headers=english_browser)
            self.assertIn("ご登録製品", page.text)

    def test_mail_link_names_the_customers_language(self):
        """Even the default language: an unprefixed link would take the
        browser's language for the page's widgets."""
        self._providers_off()
        cycle, quotation = self._remind()
        self.env["res.lang"]._activate_lang("ja_JP")
        for lang, prefix in (("en_US", "/en"), ("ja_JP", "/ja")):
            with self.subTest(lang=lang):
                self.joel.lang = lang
                self.assertEqual(
                    cycle._get_portal_quotation_url(),
                    quotation.get_base_url() + prefix + quotation.get_portal_url(),
                )

    def test_tour_customer_signs_and_pays_the_reminder_quotation(self):
        self._providers_off()
        self._demo_provider_on()
        cycle, quotation = self._remind()
        self.assertTrue(quotation.require_payment)
        self.start_tour(quotation.get_portal_url(), "customer_followup_portal_pay")
        self.assertEqual(quotation.state, "sale")
        self.assertTrue(quotation.signature)
        self.assertEqual(
            quotation.transaction_ids.filtered(lambda t: t.state == "done").provider_id,
            self.demo_provider,
        )
        self.assertEqual(cycle.state, "ordered")
        self.assertEqual(cycle.order_id, quotation)

    def test_tour_english_browser_sees_no_english_on_a_japanese_quotation(self):
        """The whole page, chatter and sign dialog included, follows the
        customer's language: the JavaScript translations too."""
        self._providers_off()
        self._japanese()
        self.env["ir.module.module"]._load_module_terms(
            ["web", "mail", "payment", "sale_management"], ["ja_JP"], overwrite=True
        )
        _cycle, quotation = self._remind()
        self.start_tour(quotation.get_portal_url(), "customer_followup_portal_language")
