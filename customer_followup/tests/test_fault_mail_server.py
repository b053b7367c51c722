from contextlib import contextmanager
from unittest.mock import MagicMock, patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.customer_followup_optout import OPTOUT_PATH
from .common import FollowupCase


@tagged("post_install", "-at_install")
class TestFaultMailServerDown(FollowupCase):
    @contextmanager
    def _mail_server_up(self):
        """The mail server accepts every mail; yields the mock of sending."""
        mail_server_class = type(self.env["ir.mail_server"])
        with (
            # tests never send mails unless told to
            patch.object(mail_server_class, "_disable_send", return_value=False),
            patch.object(mail_server_class, "_connect__", return_value=MagicMock()),
            patch.object(
                mail_server_class, "send_email", return_value="<reminder@example.com>"
            ) as send_email,
        ):
            yield send_email

    def test_refused_connection_keeps_mails_queued_and_cycles_reminded_once(self):
        self._sell(self.customer, self.cooker)
        self._run_cron("2025-12-20 06:00:00")
        cycle = self._cycles()
        mail = self._reminder_mails(cycle)
        self.assertEqual(mail.state, "outgoing", "queued, not sent by the cron")

        with (
            patch.object(
                type(self.env["ir.mail_server"]),
                "_connect__",
                side_effect=ConnectionRefusedError("Connection refused"),
            ),
            mute_logger("odoo.addons.mail.models.mail_mail"),
        ):
            mail.send()
        self.assertTrue(mail.exists(), "a refused mail is kept, not lost")
        self.assertEqual(mail.state, "exception")
        self.assertIn("Connection refused", mail.failure_reason)
        self.assertEqual(cycle.state, "reminded")

        # the next nights send nothing new for this cycle
        self._run_cron("2025-12-21 06:00:00")
        self._run_cron("2025-12-22 06:00:00")
        mails = self._reminder_mails(cycle)
        self.assertEqual(mails, mail)
        self.assertEqual(len(cycle.quotation_id), 1)

        # the server is back: "Retry" puts the mail back in the queue, it goes out
        mail.mark_outgoing()
        with self._mail_server_up() as send_email:
            mail.send()
        self.assertEqual(send_email.call_count, 1)
        self.assertFalse(
            mail.exists() and mail.state in ("outgoing", "exception"),
            "the mail left the queue",
        )

    def test_sent_reminder_stays_in_the_chatter_of_its_cycle(self):
        self._sell(self.customer, self.cooker)
        self._run_cron("2025-12-20 06:00:00")
        cycle = self._cycles()
        mail = self._reminder_mails(cycle)
        subject = mail.subject
        with self._mail_server_up():
            mail.send()
        self.assertFalse(mail.exists(), "the sent mail is deleted, as said")
        self.env.invalidate_all()
        sent = cycle.message_ids.filtered(lambda m: m.message_type == "email_outgoing")
        self.assertEqual(len(sent), 1, "its copy stays in the cycle's chatter")
        self.assertEqual(sent.subject, subject)
        self.assertEqual(sent.author_id, self.salesman.partner_id, "from the sender")
        body = str(sent.body)
        self.assertIn("PC-600-GK", body)
        self.assertIn(cycle.quotation_id.followup_order_code, body)
        self.assertNotIn(OPTOUT_PATH, body, "the customer's stop link is not copied")
