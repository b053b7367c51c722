from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.customer_followup.tests.common import load_japanese
from odoo.addons.customer_followup.tests.test_campaign import NOW, CampaignCase


@tagged("post_install", "-at_install")
class TestCampaignMailingLanguages(CampaignCase):
    """One mailing per language of the recipients, all of the campaign's UTM
    campaign."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_japanese(cls.env)

    def test_one_mailing_per_language(self):
        japanese = self.customers["TD"][:6]
        japanese.write({"lang": "ja_JP"})
        with freeze_time(NOW):
            campaign = self._campaign(subject="Season's greetings from our shop")
            campaign.flush_recordset()
            campaign.update_field_translations(
                "subject", {"ja_JP": "当店より季節のご挨拶"}
            )
        self._confirm(campaign)
        mailings = campaign._mailings()
        self.assertEqual(len(mailings), 2)
        by_subject = {mailing.subject: mailing for mailing in mailings}
        ja_mailing = by_subject["当店より季節のご挨拶"]
        en_mailing = by_subject["Season's greetings from our shop"]
        emails = campaign.piece_ids.filtered(lambda p: p.kind == "email")
        ja_emails = emails.filtered(lambda p: p.partner_id.lang == "ja_JP")
        self.assertEqual(ja_emails.mailing_id, ja_mailing)
        self.assertEqual((emails - ja_emails).mailing_id, en_mailing)
        self.assertEqual(set(ja_mailing._get_recipients()), set(japanese.ids))
        self.assertEqual(mailings.campaign_id, campaign.utm_campaign_id)
        # the campaign's main mailing: the one of the most recipients
        self.assertEqual(campaign.mailing_id, en_mailing)
        action = campaign.action_view_mailing()
        self.assertEqual(action["domain"], [("id", "in", mailings.ids)])
