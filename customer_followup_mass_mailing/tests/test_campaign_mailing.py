from datetime import timedelta
from unittest.mock import MagicMock, patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.customer_followup.tests.test_campaign import NOW, CampaignCase


class MailingCase(CampaignCase):
    """The campaign fixture of customer_followup, its emails sent as mailings
    of Email Marketing."""

    def _emails(self, campaign):
        return campaign.piece_ids.filtered(lambda p: p.kind == "email")

    def _send_mailing(self, mailing):
        """Email Marketing sends the mailing (its queue cron at the send
        date), the mail queue sends the mails through a working server, and
        the campaign cron, woken up by the sent mails, logs them."""
        mail_server = type(self.env["ir.mail_server"])
        with (
            patch.object(mail_server, "_disable_send", return_value=False),
            patch.object(mail_server, "_connect__", return_value=MagicMock()),
            patch.object(mail_server, "send_email", return_value="<c@example.com>"),
        ):
            sent_at = mailing.schedule_date + timedelta(hours=8)
            self._run_cron(sent_at, "mass_mailing.ir_cron_mass_mailing_queue")
            with freeze_time(sent_at):
                self.env["mail.mail"].sudo().search(
                    [("mailing_id", "=", mailing.id)]
                ).send()
        cron = self.env.ref("customer_followup.ir_cron_campaigns")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertTrue(triggers, "the sent mails wake the campaign cron up")
        self._run_cron(
            max(triggers.mapped("call_at")), "customer_followup.ir_cron_campaigns"
        )
        self.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestCampaignMailing(MailingCase):
    def test_preview_and_bad_input_make_no_mailing(self):
        with freeze_time(NOW):
            campaign = self._campaign()
            self.assertTrue(campaign.preview_html)
        self.assertFalse(campaign.mailing_id)
        with freeze_time(NOW):
            nobody = self._campaign(partner_domain="[('name', '=', 'Nobody')]")
            with self.assertRaisesText(UserError, "has no audience"):
                nobody.action_confirm()
        self.assertFalse(nobody.mailing_id)
        self.assertFalse(nobody._mailings())

    def test_confirm_puts_the_mailing_in_the_queue(self):
        with freeze_time(NOW):
            campaign = self._confirm(self._campaign())
        mailing = campaign.mailing_id
        emails = self._emails(campaign)
        self.assertTrue(emails)
        self.assertEqual(emails.mailing_id, mailing)
        self.assertEqual(mailing.state, "in_queue")
        self.assertEqual(mailing.schedule_type, "scheduled")
        self.assertEqual(
            mailing.schedule_date,
            campaign.company_id._followup_moment(
                fields.Date.to_date("2026-10-30"), campaign.send_hour
            ),
        )
        self.assertTrue(campaign.utm_campaign_id)
        self.assertEqual(mailing.campaign_id, campaign.utm_campaign_id)
        self.assertEqual(
            set(self.env["res.partner"].search(mailing._get_recipients_domain()).ids),
            set(emails.partner_id.ids),
        )
        action = campaign.action_view_mailing()
        self.assertEqual(action["res_id"], mailing.id)

    def test_the_mailing_sends_and_each_email_is_logged_once(self):
        with freeze_time(NOW):
            campaign = self._confirm(self._campaign())
        emails = self._emails(campaign)
        self._send_mailing(campaign.mailing_id)
        self.assertEqual(set(emails.mapped("state")), {"done"})
        email_touchpoints = campaign.touchpoint_ids.filtered(
            lambda t: t.type_id == self.type_email
        )
        self.assertEqual(len(email_touchpoints), len(emails))
        self.assertEqual(email_touchpoints.partner_id, emails.partner_id)
        self.assertEqual(campaign.mailing_sent, len(emails))
        # twice logs nothing more
        traces = self.env["mailing.trace"].search(
            [("mass_mailing_id", "=", campaign.mailing_id.id)]
        )
        traces.set_sent()
        self.env["customer.followup.campaign.piece"]._log_done(emails)
        self._run_cron("2026-10-31 09:00:00", "customer_followup.ir_cron_campaigns")
        self.assertEqual(
            self.env["customer.touchpoint"].search_count(
                [
                    ("campaign_id", "=", campaign.id),
                    ("type_id", "=", self.type_email.id),
                ]
            ),
            len(emails),
        )

    def test_sent_emails_logged_a_batch_at_a_time(self):
        """The campaign cron logs the sent emails a batch at a time, in the
        pieces' order, past an email not sent yet, which it logs once sent."""
        with freeze_time(NOW):
            campaign = self._confirm(self._campaign())
        emails = self._emails(campaign).sorted("id")
        self.assertGreaterEqual(len(emails), 3)
        waiting = emails[1]
        traces = self.env["mailing.trace"].create(
            [
                {
                    "model": "res.partner",
                    "res_id": piece.partner_id.id,
                    "mass_mailing_id": campaign.mailing_id.id,
                    "email": piece.partner_id.email,
                    "trace_status": "outgoing" if piece == waiting else "sent",
                }
                for piece in emails
            ]
        )
        campaigns = self.env["customer.followup.campaign"]
        with freeze_time("2026-10-30 09:00:00"):
            self.assertTrue(campaigns._log_sent_emails(batch_size=1))
        self.assertEqual(
            (emails - waiting).mapped("state"), ["done"] * (len(emails) - 1)
        )
        self.assertEqual(waiting.state, "planned")
        traces.filtered(lambda trace: trace.res_id == waiting.partner_id.id).set_sent()
        with freeze_time("2026-10-30 10:00:00"):
            campaigns._log_sent_emails(batch_size=2)
        self.assertEqual(waiting.state, "done")
        self.assertEqual(len(emails.touchpoint_id), len(emails))

    def test_cancel_removes_the_mailing(self):
        with freeze_time(NOW):
            campaign = self._confirm(self._campaign())
        mailing = campaign.mailing_id
        self.assertTrue(mailing)
        with freeze_time(NOW):
            campaign.action_cancel()
        self.assertFalse(mailing.exists())
        self.assertFalse(campaign._mailings())

    def test_an_order_of_the_mailings_utm_campaign_is_a_response(self):
        """An order carrying the UTM campaign of the campaign's mailing (a
        customer who followed its link) counts as the email's response."""
        customer = self.customers["TD"][0]
        with freeze_time(NOW):
            campaign = self._confirm(
                self._campaign(
                    partner_domain=repr([("id", "=", customer.id)]), response_days=30
                )
            )
        self.assertEqual(self._emails(campaign).partner_id, customer)
        self._order(
            customer, "2027-01-10 10:00:00", 70.0
        ).campaign_id = campaign.mailing_id.campaign_id
        self.env.flush_all()
        groups = self.env["customer.followup.campaign.report"]._read_group(
            [("campaign_id", "=", campaign.id)],
            ["kind"],
            ["response_count:sum", "revenue:sum"],
        )
        self.assertEqual(groups, [("email", 1, 70.0)])
