from freezegun import freeze_time

from odoo.tests import tagged

from .common import campaign_emails, load_japanese
from .test_campaign import NOW, CampaignCase


@tagged("post_install", "-at_install")
class TestCampaignLanguages(CampaignCase):
    """Each customer reads the campaign in their own language: one mass
    email per language with its subject and body, the handwritten card's message
    in the customer's language and its activity in the salesperson's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_japanese(cls.env)

    def _translated_campaign(self):
        with freeze_time(NOW):
            campaign = self._campaign(subject="Season's greetings from our shop")
            campaign.flush_recordset()
            campaign.update_field_translations(
                "message",
                {"ja_JP": {"Thank you for this year.": "本年もお世話になりました。"}},
            )
            campaign.update_field_translations(
                "subject", {"ja_JP": "当店より季節のご挨拶"}
            )
        return campaign

    def test_one_email_per_language(self):
        japanese = self.customers["TD"][:6]
        japanese.write({"lang": "ja_JP"})
        campaign = self._translated_campaign()
        with freeze_time(NOW):
            self.assertIn(
                "Emails: one mailing per language, English (US) (9), "
                "Japanese / 日本語 (6).",
                campaign.preview_html,
            )
        self._confirm(campaign)
        emails = campaign.piece_ids.filtered(lambda p: p.kind == "email")
        ja_emails = emails.filtered(lambda p: p.partner_id.lang == "ja_JP")
        self.assertEqual(ja_emails.partner_id, japanese)
        scheduled = campaign_emails(emails)
        self.assertEqual(set(scheduled), set(emails.ids))
        for piece in emails:
            email = scheduled[piece.id]
            if piece in ja_emails:
                self.assertEqual(email.subject, "当店より季節のご挨拶")
                self.assertIn("本年もお世話になりました。", email.body)
                self.assertNotIn("Thank you", email.body)
            else:
                self.assertEqual(email.subject, "Season's greetings from our shop")
                self.assertIn("Thank you for this year.", email.body)

    def test_without_subject_never_the_internal_name(self):
        self.customers["TD"][:3].write({"lang": "ja_JP"})
        with freeze_time(NOW):
            campaign = self._campaign(
                name="Internal: NY 2027 batch B", greeting="new_year"
            )
        self._confirm(campaign)
        subjects = {
            email.subject for email in campaign_emails(campaign.piece_ids).values()
        }
        self.assertEqual(subjects, {"New Year greeting", "年賀状"})

    def test_card_message_in_the_customers_language(self):
        self.salesman.lang = "ja_JP"
        english = self.customers["TA"].filtered(lambda p: p.user_id == self.salesman)
        japanese = self.customers["TA"] - english
        japanese.write({"lang": "ja_JP"})
        campaign = self._confirm(self._translated_campaign())
        cards = campaign.piece_ids.filtered(
            lambda p: p.kind == "personal" and p.partner_id in self.customers["TA"]
        )
        for card in cards:
            note = card.activity_id.note
            if card.partner_id.lang == "ja_JP":
                self.assertIn("本年もお世話になりました。", note)
                self.assertNotIn("Thank you for this year.", note)
            else:
                self.assertIn("Thank you for this year.", note)
                self.assertNotIn("本年もお世話になりました。", note)
            if card.user_id == self.salesman:
                # the salesperson's own language around the message
                self.assertIn("キャンペーン", note)
            else:
                self.assertIn("Campaign", note)

    def test_coming_season_subject_in_japanese(self):
        with freeze_time(NOW):
            action = self.env.ref(
                "customer_followup.campaign_template_new_year"
            ).action_create_campaign()
        campaign = self.env["customer.followup.campaign"].browse(action["res_id"])
        self.assertEqual(campaign.subject, "New Year's greetings")
        self.assertEqual(campaign.with_context(lang="ja_JP").subject, "新年のご挨拶")

    def test_japanese_notes_name_the_campaign_in_japanese(self):
        self.salesman.lang = "ja_JP"
        with freeze_time(NOW):
            action = self.env.ref(
                "customer_followup.campaign_template_new_year"
            ).action_create_campaign()
            campaign = self.env["customer.followup.campaign"].browse(action["res_id"])
            campaign.partner_domain = repr([("id", "in", self.customers["TA"].ids)])
            campaign.action_confirm()
        self.assertEqual(campaign.name, "New Year greeting 2027")
        cards = campaign.piece_ids.filtered(lambda p: p.kind == "personal")
        mine = cards.filtered(lambda p: p.user_id == self.salesman)
        self.assertTrue(mine)
        for card in mine:
            self.assertIn("キャンペーン 年賀状（2027年）", card.activity_id.note)
            self.assertTrue(card.activity_id.summary.startswith("年賀状（2027年）："))
            # the Japanese around the English customer's message
            self.assertNotIn("New Year greeting", card.activity_id.note)
            self.assertNotIn("New Year", card.activity_id.summary)
        theirs = (cards - mine).activity_id
        self.assertIn("Campaign New Year greeting 2027", theirs[0].note)
