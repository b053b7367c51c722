import ast

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import REMINDER_CRON, FollowupCase, load_japanese


@tagged("post_install", "-at_install")
class TestMailOptout(FollowupCase, HttpCase):
    """The finding: the reminder mail had no way to stop it and no sender
    address. Now every mail the addon sends to a customer (reminders, their
    escalation steps, reorder reminders) names the company, its postal
    address and contact, and carries a stop link without login, also as a
    one-click List-Unsubscribe (RFC 8058), in the customer's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_japanese(cls.env)
        cls.company.write(
            {
                "name": "Sakura Kitchen",
                "street": "2-4-1 Umeda",
                "city": "Osaka",
                "zip": "530-0001",
                "phone": "06-1234-5678",
                "email": "shop@example.com",
            }
        )
        cls._sell(cls.customer, cls.cooker)

    def _run_cron(self, now, xmlid=REMINDER_CRON):
        # an HttpCase is in registry test mode already
        with freeze_time(now):
            self.assertIs(self.env.ref(xmlid).method_direct_trigger(), True)
        self.env.invalidate_all()

    def _reminder(self):
        self._run_cron("2025-12-20 06:00:00")
        mail = self._reminder_mails(self._cycles())
        self.assertEqual(len(mail), 1)
        return mail

    def _stop_url(self, mail):
        headers = ast.literal_eval(mail.headers)
        self.assertEqual(headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        url = headers["List-Unsubscribe"].strip("<>")
        self.assertIn("/followup/stop/", url)
        return url

    def test_reminder_names_the_sender_and_stops_in_one_click(self):
        mail = self._reminder()
        body = str(mail.body_html)
        for sender in ("Sakura Kitchen", "2-4-1 Umeda", "530-0001", "06-1234-5678"):
            self.assertIn(sender, body)
        self.assertIn("shop@example.com", body)
        url = self._stop_url(mail)
        self.assertIn(url, body)
        self.assertIn("Stop these reminders", body)

        path = url[url.index("/followup/stop/") :]
        # GET only asks: mail scanners follow links
        page = self.url_open(path)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Stop the reminders", page.text)
        self.assertFalse(self.customer.followup_no_replacement_reminder)
        # the mail program's one-click POST, twice: the same result
        for __ in range(2):
            response = self.url_open(path, data={"List-Unsubscribe": "One-Click"})
            self.assertEqual(response.status_code, 200)
            self.assertIn("Reminders stopped", response.text)
        self.env.invalidate_all()
        self.assertTrue(self.customer.followup_no_replacement_reminder)

    def test_forged_token_is_refused(self):
        mail = self._reminder()
        url = self._stop_url(mail)
        path = url[url.index("/followup/stop/") :]
        with mute_logger("odoo.http"):
            for forged in (path[:-3] + "AAA", "/followup/stop/garbage", path + "x"):
                with self.subTest(forged=forged):
                    response = self.url_open(forged, data={"x": "1"})
                    self.assertEqual(response.status_code, 404)
        self.env.invalidate_all()
        self.assertFalse(self.customer.followup_no_replacement_reminder)

    def test_in_the_customers_japanese(self):
        self.customer.lang = "ja_JP"
        mail = self._reminder()
        self.assertIn("今後のお知らせを停止する", str(mail.body_html))
        url = self._stop_url(mail)
        page = self.url_open(url[url.index("/followup/stop/") :])
        self.assertIn("お知らせの停止", page.text)

    def test_the_shops_address_as_written_in_japan(self):
        japan = self.env.ref("base.jp")
        self.company.write(
            {"country_id": japan.id, "city": "大阪市北区", "street": "梅田2-4-1"}
        )
        self.customer.write({"lang": "ja_JP", "country_id": japan.id})
        body = str(self._reminder().body_html)
        self.assertIn("〒530-0001 大阪市北区梅田2-4-1", body)
        self.assertNotIn("日本", body, "no country on a letter within Japan")
        self.assertNotIn(", 530-0001", body)

    def test_the_shops_address_to_a_customer_abroad(self):
        self.company.write({"country_id": self.env.ref("base.jp").id})
        self.customer.write({"country_id": self.env.ref("base.us").id})
        body = str(self._reminder().body_html)
        self.assertIn("〒530-0001 Osaka, 2-4-1 Umeda, Japan", body)
