from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from ..report import hagaki_message as card
from .common import load_japanese
from .test_campaign import NOW, CampaignCase
from .test_hagaki_report import pdf_pages, render_pdf

BATCH = "customer_followup.action_report_campaign_batch"


@tagged("post_install", "-at_install")
class TestHagakiMessageSide(CampaignCase):
    """The message side of a campaign's card as a Japanese shop sends it:
    the greeting's heading, the message written vertically, the date line
    in the Japanese era, the shop, and on a handwritten card the space for
    the salesperson's line; horizontal for the other languages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_japanese(cls.env)
        cls.company.write(
            {
                "name": "ひだまり商店",
                "country_id": cls.env.ref("base.jp").id,
                "state_id": cls.env.ref("base.state_jp_jp-13").id,
                "zip": "150-0002",
                "city": "渋谷区",
                "street": "渋谷2-24-12",
                "phone": "03-1234-5678",
            }
        )

    def test_era_and_headings(self):
        self.assertEqual(card.era_year(date(2027, 1, 1)), "令和九年")
        self.assertEqual(card.era_year(date(2019, 5, 1)), "令和元年")
        self.assertEqual(card.era_year(date(2028, 1, 1)), "令和十年")
        self.assertEqual(card.era_year(date(2041, 8, 1)), "令和二十三年")
        self.assertEqual(
            card.japanese_date_line("new_year", date(2027, 1, 1)), "令和九年\u3000元旦"
        )
        self.assertEqual(
            card.japanese_date_line("summer", date(2027, 7, 15)), "令和九年\u3000盛夏"
        )
        self.assertEqual(
            card.japanese_date_line("late_summer", date(2027, 8, 10)),
            "令和九年\u3000晩夏",
        )
        self.assertEqual(
            card.japanese_date_line("midwinter", date(2027, 1, 10)),
            "令和九年\u3000一月",
        )

    def _new_year_cards(self):
        ja_printed = self.customers["TC"][0]
        en_printed = self.customers["TC"][1]
        ja_card = self.customers["TA"][0]
        (ja_printed | ja_card).write({"lang": "ja_JP"})
        with freeze_time(NOW):
            campaign = self._campaign(
                greeting="new_year",
                send_date="2027-01-01",
                post_date_start="2026-12-15",
                post_date_end="2026-12-25",
                partner_domain=repr(
                    [("id", "in", (ja_printed | en_printed | ja_card).ids)]
                ),
                message="<p>Happy New Year.</p><p>Thank you for this year.</p>",
            )
            campaign.flush_recordset()
            campaign.update_field_translations(
                "message",
                {
                    "ja_JP": {
                        "Happy New Year.": "旧年中は格別のお引き立てを賜り、"
                        "厚く御礼申し上げます。",
                        "Thank you for this year.": "本年もどうぞよろしく"
                        "お願い申し上げます。",
                    }
                },
            )
            campaign.action_confirm()
        pieces = campaign.piece_ids
        return [
            pieces.filtered(lambda p, partner=partner: p.partner_id == partner)
            for partner in (ja_printed, en_printed, ja_card)
        ]

    def test_new_year_card_message_sides(self):
        ja_printed, en_printed, ja_card = self._new_year_cards()
        self.assertEqual(ja_printed.kind, "printed")
        self.assertEqual(ja_card.kind, "personal")
        pdf = render_pdf(self, ja_printed | en_printed | ja_card, BATCH)
        pages = pdf_pages(pdf)
        self.assertEqual(len(pages), 6)
        ja_page, en_page, card_page = pages[1], pages[3], pages[5]

        # Japanese: 謹賀新年 vertical at the right, from the top
        for page in (ja_page, card_page):
            words = {w.text: w for w in page}
            heading = words["謹賀新年"]
            self.assertGreater(
                heading.bottom - heading.top, 2 * (heading.right - heading.left)
            )
            self.assertAlmostEqual(
                heading.centre_x,
                card.HEADING_RIGHT - card.HEADING_MAX_SIZE / 2,
                delta=1.0,
            )
            self.assertAlmostEqual(heading.top, card.HEADING_TOP, delta=1.5)
            # the message in vertical columns left of the heading
            message = [w for w in page if "旧年中" in w.text or "本年も" in w.text]
            self.assertEqual(len(message), 2, [w.text for w in page])
            first, second = sorted(message, key=lambda w: -w.right)
            self.assertIn("旧年中", first.text)
            for word in message:
                self.assertGreater(word.bottom - word.top, 3 * (word.right - word.left))
                self.assertLess(word.right, heading.left)
                self.assertGreaterEqual(word.top, card.MESSAGE_TOP - 1.0)
                self.assertLessEqual(word.bottom, card.TEXT_BOTTOM + 1.0)
            # the date line in the era, left of the message, lower down
            date_words = sorted(
                (w for w in page if w.text in ("令和九年", "元旦", "令和九年元旦")),
                key=lambda w: w.top,
            )
            self.assertEqual("".join(w.text for w in date_words), "令和九年元旦")
            for word in date_words:
                self.assertLess(word.right, second.left)
                self.assertGreaterEqual(word.top, card.DATE_TOP - 1.0)
            # the shop at the foot, horizontal
            shop = words["ひだまり商店"]
            self.assertGreaterEqual(shop.top, card.SHOP_TOP - 1.0)
            self.assertGreater(shop.right - shop.left, shop.bottom - shop.top)
            self.assertIn("〒150-0002", words)
            self.assertFalse([w for w in page if "Happy" in w.text])

        # the handwritten card: the left of the card left blank for the
        # salesperson's line, everything printed right of it
        left, top, width, height = card.HANDWRITTEN_BOX
        printed = [w for w in card_page if w.bottom < card.SHOP_TOP - 1]
        self.assertTrue(printed)
        for word in printed:
            self.assertGreater(word.left, left + width, word)
        # only the handwritten card keeps the space
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(BATCH, (ja_printed | ja_card).ids)[0]
            .decode()
        )
        self.assertEqual(html.count("o_hagaki_card_handwritten"), 1)
        # on the message side of the handwritten card, after its address side
        self.assertGreater(
            html.index("o_hagaki_card_handwritten"),
            html.index(ja_card.partner_id.name),
        )

        # English: horizontal, heading centred at the top, date in words
        words = {w.text: w for w in en_page}
        for text in ("Happy", "New", "Year", "Thank", "January", "2027"):
            self.assertIn(text, words)
        heading = [w for w in en_page if w.bottom < card.H_MESSAGE_TOP]
        self.assertEqual(" ".join(w.text for w in heading), "Happy New Year")
        self.assertAlmostEqual(
            (heading[0].left + heading[-1].right) / 2, 50.0, delta=3.0
        )
        self.assertLess(words["Year"].bottom, words["Thank"].top)
        self.assertGreater(words["January"].top, words["Thank"].bottom)
        self.assertGreater(
            words["Happy"].right - words["Happy"].left,
            words["Happy"].bottom - words["Happy"].top,
        )
        self.assertNotIn("令和九年", words)

    def test_horizontal_option_for_japanese(self):
        ja_printed, _en_printed, _ja_card = self._new_year_cards()
        ja_printed.campaign_id.card_writing = "horizontal"
        pages = pdf_pages(render_pdf(self, ja_printed, BATCH))
        words = {w.text: w for w in pages[1]}
        heading = words["謹賀新年"]
        self.assertGreater(heading.right - heading.left, heading.bottom - heading.top)
        self.assertAlmostEqual(heading.centre_x, 50.0, delta=3.0)
        self.assertIn("令和九年", "".join(words))

    def test_print_opens_the_pdf_in_a_company_without_document_layout(self):
        ja_printed, _en_printed, ja_card = self._new_year_cards()
        self.env.company.external_report_layout_id = False
        campaign = ja_printed.campaign_id
        self.assertEqual(ja_card.campaign_id, campaign)
        for action in (
            campaign.action_print_batch(),
            campaign.action_print_cards_to_write(),
        ):
            self.assertEqual(action["type"], "ir.actions.report")
            self.assertEqual(
                action["report_name"], "customer_followup.report_campaign_batch"
            )

    def test_print_cards_to_write(self):
        _ja_printed, _en_printed, ja_card = self._new_year_cards()
        action = ja_card.campaign_id.with_context(
            discard_logo_check=True
        ).action_print_cards_to_write()
        self.assertEqual(
            action["report_name"], "customer_followup.report_campaign_batch"
        )
        self.assertEqual(action["context"]["active_ids"], ja_card.ids)
