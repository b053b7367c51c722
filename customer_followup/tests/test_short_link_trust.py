import logging
import os

from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase, tagged

from ..models.customer_followup_short_link_attempt import MAX_WRONG_CODES
from .common import load_japanese

_logger = logging.getLogger(__name__)

NOW = "2026-11-16 01:00:00"
ATTEMPT_LOGGER = (
    "odoo.addons.customer_followup.models.customer_followup_short_link_attempt"
)


@tagged("post_install", "-at_install")
class TestShortLinkTrust(HttpCase):
    """The findings: wrong codes were answered 150 times in 2.1 s, and the
    code of an order paid weeks ago still opened the order page with its
    access token. Now the code opens the quotation only while it can be
    signed or paid, then a closed-offer page; wrong codes are counted per
    client address in the database and answered 429 past the limit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_japanese(cls.env)
        cls.env.company.write(
            {
                "name": "Sakura Kitchen",
                "phone": "03-1234-5678",
                "email": "shop@example.com",
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Yamada Hanako",
                "email": "hanako@example.com",
                "phone": "090-1111-2222",
                "lang": "ja_JP",
            }
        )
        product = cls.env["product.product"].create(
            {"name": "Gasket", "type": "consu", "list_price": 15.0}
        )
        with freeze_time(NOW):
            cls.order = cls.env["sale.order"].create(
                {
                    "partner_id": cls.customer.id,
                    "user_id": cls.env.ref("base.user_admin").id,
                    "validity_date": "2026-12-16",
                    "order_line": [Command.create({"product_id": product.id})],
                }
            )
        cls.order._followup_ensure_short_code()
        cls.order._portal_ensure_token()
        cls.path = f"/q/{cls.order.followup_short_code}"

    def test_open_while_it_can_be_signed(self):
        with freeze_time("2026-12-16 10:00:00"):
            response = self.url_open(self.path, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn(self.order.access_token, response.headers["Location"])

    def _assert_closed(self, response):
        self.assertEqual(response.status_code, 410)
        self.assertNotIn("access_token", response.text)
        self.assertNotIn(self.order.access_token, response.text)
        for private in ("Yamada", "hanako@example.com", "090-1111-2222"):
            self.assertNotIn(private, response.text)
        self.assertNotIn(self.order.name, response.text)
        for shop in ("Sakura Kitchen", "03-1234-5678", "shop@example.com"):
            self.assertIn(shop, response.text)
        # in the customer's Japanese
        self.assertIn("このお見積りの受付は終了しました", response.text)

    def test_closed_after_validity_date(self):
        with freeze_time("2026-12-17 10:00:00"):
            response = self.url_open(self.path, allow_redirects=False)
        self._assert_closed(response)

    def test_closed_in_the_shops_day(self):
        """20:00 UTC on the last valid day is already the next day in Tokyo."""
        self.order.company_id.followup_tz = "Asia/Tokyo"
        with freeze_time("2026-12-16 14:00:00"):
            response = self.url_open(self.path, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        with freeze_time("2026-12-16 20:00:00"):
            response = self.url_open(self.path, allow_redirects=False)
        self._assert_closed(response)

    def test_closed_once_ordered(self):
        with freeze_time("2026-11-20 10:00:00"):
            self.order.action_confirm()
            response = self.url_open(self.path, allow_redirects=False)
        self._assert_closed(response)

    def test_wrong_codes_are_throttled(self):
        statuses = []
        with freeze_time(NOW):
            # the real clock (freezegun stops the others)
            start = os.times().elapsed
            for index in range(MAX_WRONG_CODES + 10):
                code = f"ZZZZ{index:04d}".replace("0", "A").replace("1", "B")
                statuses.append(self.url_open(f"/q/{code}").status_code)
            elapsed = os.times().elapsed - start
            # a right code waits too: no way to tell it from a wrong one
            blocked = self.url_open(self.path, allow_redirects=False).status_code
        self.assertEqual(statuses, [404] * MAX_WRONG_CODES + [429] * 10)
        self.assertEqual(blocked, 429)
        self.assertEqual(
            self.env["customer.followup.short.link.attempt"].search_count(
                [("address", "=", "127.0.0.1")]
            ),
            MAX_WRONG_CODES,
        )
        _logger.info(
            "short link burst: %s wrong codes in %.2f s", len(statuses), elapsed
        )
        # ten minutes later, the code opens the quotation again
        with freeze_time("2026-11-16 01:10:01"):
            response = self.url_open(self.path, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
