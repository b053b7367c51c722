from datetime import timedelta
from unittest.mock import MagicMock, patch

from freezegun import freeze_time

from odoo.tests import tagged

from .test_campaign import NOW, CampaignCase


@tagged("post_install", "-at_install")
class TestCampaignEmailComposer(CampaignCase):
    """Without Email Marketing (the bridge customer_followup_mass_mailing not
    installed) the campaign's emails go out through Odoo's mail composer in
    mass mode, one per language, scheduled at the send date, and are logged
    as touchpoints once sent. Run by scripts/test.sh on a database without
    mass_mailing; skipped where the bridge sends them as mailings."""

    def setUp(self):
        super().setUp()
        if "mailing_id" in self.env["customer.followup.campaign"]._fields:
            self.skipTest("the Email Marketing bridge sends the campaign emails")

    def _emails(self, campaign):
        return campaign.piece_ids.filtered(lambda p: p.kind == "email")

    def _mails(self, pieces):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "in", pieces.mail_message_id.ids)])
        )

    def test_emails_scheduled_sent_and_logged(self):
        with freeze_time(NOW):
            campaign = self._confirm(self._campaign())
        emails = self._emails(campaign)
        self.assertTrue(emails)
        mails = self._mails(emails)
        self.assertEqual(len(mails), len(emails))
        self.assertEqual(set(mails.mapped("res_id")), set(emails.partner_id.ids))
        self.assertEqual(set(mails.mapped("subject")), {campaign._email_subject()})
        moment = campaign.company_id._followup_moment(
            campaign.send_date, campaign.send_hour
        )
        self.assertEqual(set(mails.mapped("scheduled_date")), {moment})
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        # nothing logged before the emails leave
        with freeze_time(NOW):
            self.env["customer.followup.campaign"]._log_sent_emails()
        self.assertEqual(set(emails.mapped("state")), {"planned"})
        mail_server = type(self.env["ir.mail_server"])
        with (
            patch.object(mail_server, "_disable_send", return_value=False),
            patch.object(mail_server, "_connect__", return_value=MagicMock()),
            patch.object(mail_server, "send_email", return_value="<c@example.com>"),
            freeze_time(moment + timedelta(hours=1)),
        ):
            self.env["mail.mail"].sudo().process_email_queue()
            self.env["customer.followup.campaign"]._log_sent_emails()
        self.env.invalidate_all()
        self.assertEqual(set(emails.mapped("state")), {"done"})
        self.assertEqual(set(emails.touchpoint_id.mapped("type_id")), {self.type_email})
        # logging twice logs nothing more
        self.env["customer.followup.campaign.piece"]._log_done(emails)
        self._run_cron(
            moment + timedelta(hours=2), "customer_followup.ir_cron_campaigns"
        )
        self.assertEqual(
            self.env["customer.touchpoint"].search_count(
                [
                    ("campaign_id", "=", campaign.id),
                    ("type_id", "=", self.type_email.id),
                ]
            ),
            len(emails),
        )

    def test_cancel_withdraws_the_emails(self):
        with freeze_time(NOW):
            campaign = self._confirm(self._campaign())
        emails = self._emails(campaign)
        self.assertTrue(self._mails(emails))
        with freeze_time(NOW):
            campaign.action_cancel()
        self.assertFalse(self._mails(emails))
        self.assertEqual(set(emails.mapped("state")), {"cancelled"})
