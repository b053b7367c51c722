import html
import re
import subprocess
import tempfile
import unicodedata
from collections import namedtuple
from pathlib import Path

import zxingcpp
from freezegun import freeze_time
from PIL import Image

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..models.sale_order import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH
from ..report import hagaki_layout as layout
from .common import REMINDER_CRON, FollowupCase
from .test_campaign import NOW, CampaignCase

PT_PER_MM = 72 / 25.4
REPORT = "customer_followup.action_report_replacement_hagaki"
WORD_RE = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
    r"(.*?)</word>"
)


class Word(namedtuple("Word", "text left top right bottom")):
    """A word of the PDF and its box, in mm from the card's top left."""

    @property
    def centre_x(self):
        return (self.left + self.right) / 2

    @property
    def centre_y(self):
        return (self.top + self.bottom) / 2


def pdf_pages(pdf):
    """The words of each page of ``pdf``, as poppler's pdftotext reads them."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hagaki.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(
            ["pdftotext", "-bbox", str(path), "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    return [
        [
            # NFKC: the CJK fonts map some kanji to their Kangxi radicals
            Word(
                unicodedata.normalize("NFKC", html.unescape(text)),
                *(float(value) / PT_PER_MM for value in (x0, y0, x1, y1)),
            )
            for x0, y0, x1, y1, text in WORD_RE.findall(page)
        ]
        for page in out.split("<page ")[1:]
    ]


def pdf_image(pdf, page, dpi=300):
    """Page ``page`` (1-based) of ``pdf`` as an image, by poppler's pdftoppm."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hagaki.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(path),
                str(Path(tmp) / "page"),
            ],
            check=True,
        )
        with Image.open(Path(tmp) / "page.png") as image:
            return image.convert("RGB")


def red_near(image, x_mm, y_mm, dpi=300, radius_mm=0.4):
    """Whether a vermilion pixel is within ``radius_mm`` of a point."""
    px = dpi / 25.4
    radius = max(1, int(radius_mm * px))
    cx, cy = int(x_mm * px), int(y_mm * px)
    for x in range(cx - radius, cx + radius + 1):
        for y in range(cy - radius, cy + radius + 1):
            r, g, b = image.getpixel((x, y))
            if r > 180 and g < 110 and b < 110:
                return True
    return False


def render_pdf(case, records, report=REPORT):
    # the wkhtmltopdf of Linux distributions (unpatched Qt) warns that it
    # ignores the header/footer switches: harmless for a postcard.
    with (
        case.allow_pdf_render(),
        mute_logger("odoo.addons.base.models.ir_actions_report"),
    ):
        pdf, report_type = (
            case.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, records.ids)
        )
    case.assertEqual(report_type, "pdf")
    return pdf


class HagakiCase(FollowupCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_delivery(cls.gasket_rule, "print")
        tokyo = cls.env.ref("base.state_jp_jp-13")
        cls.company.write(
            {
                "name": "ひだまり商店",
                "country_id": cls.env.ref("base.jp").id,
                "state_id": tokyo.id,
                "zip": "150-0002",
                "city": "渋谷区",
                "street": "渋谷2-24-12",
            }
        )
        Partner = cls.env["res.partner"]
        cls.person = Partner.create(
            {
                "name": "山田 花子",
                "country_id": cls.env.ref("base.jp").id,
                "state_id": tokyo.id,
                "zip": "150-0001",
                "city": "渋谷区",
                "street": "神宮前1-2-3",
                "street2": "原宿ハイツ101",
            }
        )
        cls.firm = Partner.create(
            {
                "name": "株式会社木村キッチン",
                "is_company": True,
                "country_id": cls.env.ref("base.jp").id,
                "state_id": cls.env.ref("base.state_jp_jp-27").id,
                "zip": "530-0001",
                "city": "大阪市北区",
                "street": "梅田2-4-9",
            }
        )
        cls.abroad = Partner.create(
            {
                "name": "Hanako Sato",
                "country_id": cls.env.ref("base.us").id,
                "street": "77 Santa Barbara Rd",
                "city": "Pleasant Hill",
                "state_id": cls.env.ref("base.state_us_5").id,
                "zip": "94523",
            }
        )
        for partner in (cls.person, cls.firm, cls.abroad):
            cls._sell(partner, cls.cooker)

    def _due_cycles(self):
        self._run_cron("2025-12-20 06:00:00")
        cycles = self.env["customer.replacement"].search(
            [("partner_id", "in", (self.person | self.firm | self.abroad).ids)]
        )
        self.assertEqual(cycles.mapped("delivery"), ["print"] * 3)
        return cycles.sorted(
            lambda c: [self.person, self.firm, self.abroad].index(c.partner_id)
        )

    def _pdf(self, records, report=REPORT):
        return render_pdf(self, records, report)


@tagged("post_install", "-at_install")
class TestHagakiReport(HagakiCase):
    def test_paperformat(self):
        report = self.env.ref(REPORT)
        paper = report.paperformat_id
        self.assertEqual(paper.format, "custom")
        self.assertEqual(
            (paper.page_width, paper.page_height),
            (layout.PAGE_WIDTH, layout.PAGE_HEIGHT),
        )

    def test_tategaki(self):
        self.assertEqual(layout.tategaki("神宮前1-2-3"), "神宮前一の二の三")
        self.assertEqual(layout.tategaki("原宿ハイツ101"), "原宿ハイツ一〇一")
        self.assertEqual(layout.tategaki("梅田２－４－９"), "梅田二の四の九")
        self.assertEqual(layout.tategaki("センター"), "センタ｜")
        self.assertEqual(
            layout.split_columns("東京都渋谷区神宮前一の二の三", 8),
            ["東京都渋谷区神宮", "前一の二の三"],
        )

    def test_contact_of_a_company_and_latin_address(self):
        hagaki = self.env["customer.followup.hagaki"]
        self.contact.write(
            {
                "country_id": self.env.ref("base.jp").id,
                "zip": "1500001",
                "city": "渋谷区",
                "street": "神宮前1-2-3",
            }
        )
        elements = hagaki._address_side(self.contact, self.company)["elements"]
        by_role = {element["role"]: element for element in elements}
        self.assertEqual(
            (by_role["name"]["text"], by_role["name"]["honorific"]),
            ("Kimura Hanako", "様"),
        )
        self.assertEqual(by_role["company"]["text"], "Kimura Kitchen Co.")
        self.assertEqual(
            "".join(e["text"] for e in elements if e["role"] == "digit"), "1500001"
        )
        # written in Latin letters: horizontal, the postal code still in the
        # frames, the honorific after the name
        self.customer.state_id = self.env.ref("base.state_jp_jp-13")
        elements = hagaki._address_side(self.customer, self.company)["elements"]
        by_role = {element["role"]: element for element in elements}
        self.assertNotIn("name", by_role)
        block = by_role["foreign"]
        self.assertEqual((block["title"], block["honorific"]), ("Taro Yamada", "様"))
        self.assertEqual(block["lines"], ["1-2-3 Jingumae", "Shibuya-ku, 東京都"])
        self.assertEqual(
            "".join(e["text"] for e in elements if e["role"] == "digit"), "1500001"
        )

    def test_address_and_message_sides_in_print_order(self):
        cycles = self._due_cycles()
        pdf = self._pdf(cycles)
        pages = pdf_pages(pdf)
        # each card's address side, then its message side
        self.assertEqual(len(pages), 6)
        for index, cycle in enumerate(cycles):
            address = " ".join(w.text for w in pages[2 * index])
            message = " ".join(w.text for w in pages[2 * index + 1])
            self.assertIn(cycle.partner_id.name.split()[0], address)
            self.assertNotIn("PC-600-GK", address)
            self.assertIn("PC-600-GK", message)
            code = cycle.quotation_id.followup_short_code
            self.assertIn(f"{code[:4]}-{code[4:]}", message)
        self.assertTrue(all(cycles.mapped("quotation_id.followup_short_code")))

        # the postal code: one digit in each of Japan Post's frames
        person_page, firm_page, abroad_page = pages[0], pages[2], pages[4]
        digits = sorted(
            (w for w in person_page if w.top < layout.ADDRESS_TOP - 2),
            key=lambda w: w.left,
        )
        self.assertEqual("".join(w.text for w in digits), "1500001")
        for word, left in zip(digits, layout.POSTAL_FRAME_LEFTS, strict=True):
            self.assertGreaterEqual(word.left, left, word)
            self.assertLessEqual(word.right, left + layout.POSTAL_FRAME_WIDTH, word)
            self.assertAlmostEqual(
                word.centre_x, left + layout.POSTAL_FRAME_WIDTH / 2, delta=0.3
            )
            self.assertGreaterEqual(word.top, layout.POSTAL_FRAME_TOP, word)
            self.assertLessEqual(
                word.bottom, layout.POSTAL_FRAME_TOP + layout.POSTAL_FRAME_HEIGHT, word
            )

        # the name, vertical, centred across the card, then 様
        by_text = {w.text: w for w in person_page}
        family, given, honorific = by_text["山田"], by_text["花子"], by_text["様"]
        for word in (family, given, honorific):
            self.assertAlmostEqual(word.centre_x, layout.NAME_CENTRE_X, delta=1.0)
        self.assertGreater(
            family.bottom - family.top, 1.2 * (family.right - family.left)
        )
        self.assertLess(family.bottom, given.top)
        self.assertLess(given.bottom, honorific.top)
        # the address, vertical, on the right, numbers in kanji
        address = by_text["東京都渋谷区神宮前一の二の三"]
        self.assertGreater(address.left, family.right + 10)
        self.assertAlmostEqual(
            address.centre_x, layout.ADDRESS_RIGHT - layout.ADDRESS_SIZE / 2, delta=0.5
        )
        self.assertGreaterEqual(address.top, layout.ADDRESS_TOP - 0.5)
        self.assertGreater(
            address.bottom - address.top, 5 * (address.right - address.left)
        )
        building = by_text["原宿ハイツ一〇一"]
        self.assertLess(building.centre_x, address.centre_x - layout.ADDRESS_SIZE)
        self.assertGreater(building.top, address.top + layout.ADDRESS_SIZE)
        # the sender at the lower left
        sender = [w for w in person_page if w.text in ("ひだまり商店", "150-0002")]
        self.assertEqual(len(sender), 2)
        for word in sender:
            self.assertLess(word.right, layout.NAME_CENTRE_X - 5, word)
            self.assertGreater(word.top, layout.PAGE_HEIGHT / 2, word)
        sender_address = "".join(
            w.text
            for w in sorted(person_page, key=lambda w: -w.right)
            if w.centre_x < layout.SENDER_RIGHT and w.top < layout.SENDER_TOP + 1
        )
        self.assertIn("東京都渋谷区渋谷二の二四の一二", sender_address)

        # a company: 御中
        firm_words = {w.text: w for w in firm_page}
        self.assertIn("御中", firm_words)
        self.assertNotIn("様", firm_words)
        self.assertAlmostEqual(
            firm_words["株式会社木村キッチン"].centre_x, layout.NAME_CENTRE_X, delta=1.0
        )
        self.assertEqual(
            "".join(
                w.text
                for w in sorted(firm_page, key=lambda w: w.left)
                if w.top < layout.ADDRESS_TOP - 2
            ),
            "5300001",
        )

        # abroad: horizontal, in the country's format, no frames nor 様
        abroad = {w.text: w for w in abroad_page}
        for text in ("Hanako", "Santa", "Barbara", "Pleasant", "94523"):
            word = abroad[text]
            self.assertGreater(word.right - word.left, word.bottom - word.top, text)
        self.assertLess(abroad["Hanako"].centre_y + 3, abroad["Santa"].centre_y)
        self.assertAlmostEqual(abroad["Hanako"].left, layout.FOREIGN_BOX[0], delta=0.5)
        self.assertNotIn("様", abroad)
        self.assertFalse([w for w in abroad_page if w.top < layout.ADDRESS_TOP - 2])

    def test_official_postcards_keep_frames_and_stamp_free(self):
        cycles = self._due_cycles()
        self.assertEqual(self.company.followup_hagaki_paper, "official")
        pdf = self._pdf(cycles[0])
        image = pdf_image(pdf, 1)
        top = layout.POSTAL_FRAME_TOP + layout.POSTAL_FRAME_HEIGHT / 2
        for left in layout.POSTAL_FRAME_LEFTS:
            self.assertFalse(red_near(image, left + 0.2, top))
        # nothing printed where the stamp is
        px = 300 / 25.4
        left, top, width, height = layout.STAMP_BOX
        box = image.crop(
            (
                int(left * px),
                int(top * px),
                int((left + width) * px),
                int((top + height) * px),
            )
        )
        self.assertEqual(box.getextrema(), ((255, 255),) * 3)

    def test_plain_card_draws_frames_and_stamp_box(self):
        self.company.followup_hagaki_paper = "plain"
        cycles = self._due_cycles()
        pdf = self._pdf(cycles[0] | cycles[2])
        image = pdf_image(pdf, 1)
        top = layout.POSTAL_FRAME_TOP
        middle = top + layout.POSTAL_FRAME_HEIGHT / 2
        for left in layout.POSTAL_FRAME_LEFTS:
            right = left + layout.POSTAL_FRAME_WIDTH
            self.assertTrue(red_near(image, left + 0.15, middle), left)
            self.assertTrue(red_near(image, right - 0.15, middle), left)
            self.assertTrue(red_near(image, (left + right) / 2, top + 0.15), left)
            # the digit's inside stays free of the frame
            self.assertFalse(red_near(image, left + 1.2, middle, radius_mm=0.2), left)
        hyphen_left, hyphen_top, length = layout.POSTAL_HYPHEN
        self.assertTrue(red_near(image, hyphen_left + length / 2, hyphen_top))
        words = pdf_pages(pdf)
        self.assertIn("Stamp", [w.text for w in words[0]])
        # abroad: a stamp box, no postal code frames
        image = pdf_image(pdf, 3)
        for left in layout.POSTAL_FRAME_LEFTS:
            self.assertFalse(red_near(image, left + 0.15, middle), left)
        self.assertIn("Stamp", [w.text for w in words[2]])

    def test_price_in_the_company_currency(self):
        yen = self.env.ref("base.JPY")
        yen.active = True
        self.assertEqual(yen.decimal_places, 0)
        self.company.currency_id = yen
        cycles = self._due_cycles()
        texts = self.env["report.customer_followup.report_replacement_hagaki"]
        price = texts._hagaki_texts(cycles[0])["price"]
        self.assertRegex(price, r"¥\s?[\d,]+$")
        self.assertNotIn(".", price)

    def test_print_action_marks_printed(self):
        cycles = self._due_cycles()
        html_text = self._hagaki_html(cycles)
        self.assertEqual(html_text.count('class="o_hagaki_sheet o_hagaki_address"'), 3)
        self.assertEqual(html_text.count('class="o_hagaki_sheet o_hagaki_message"'), 3)
        action = cycles.action_print_postcards()
        self.assertEqual(
            action["report_name"], "customer_followup.report_replacement_hagaki"
        )
        self.assertTrue(all(cycles.mapped("printed")))


@tagged("post_install", "-at_install")
class TestHagakiShortLink(HagakiCase, HttpCase):
    def _run_cron(self, now, xmlid=REMINDER_CRON):
        # an HttpCase is in registry test mode already
        with freeze_time(now):
            result = self.env.ref(xmlid).method_direct_trigger()
        self.assertIs(result, True)
        self.env.invalidate_all()

    def test_qr_code_opens_the_quotation(self):
        cycles = self._due_cycles()
        cycle = cycles[0]
        quotation = cycle.quotation_id
        code = quotation.followup_short_code
        self.assertRegex(code, f"^[{SHORT_CODE_ALPHABET}]{{{SHORT_CODE_LENGTH}}}$")
        self.assertEqual(len(set(cycles.quotation_id.mapped("followup_short_code"))), 3)
        short_url = quotation._get_followup_short_url()
        self.assertEqual(short_url, f"{quotation.get_base_url()}/q/{code}")

        with mute_logger("odoo.addons.base.models.ir_actions_report"):
            pdf, __ = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(REPORT, cycle.ids)
            )
        decoded = zxingcpp.read_barcodes(pdf_image(pdf, 2))
        self.assertEqual([barcode.text for barcode in decoded], [short_url])

        # the day after the reminder: the quotation can still be signed
        with freeze_time("2025-12-21 09:00:00"):
            response = self.url_open(f"/q/{code}", allow_redirects=False)
            self.assertEqual(response.status_code, 303)
            self.assertTrue(
                response.headers["Location"].endswith(quotation.get_portal_url()),
                response.headers["Location"],
            )
            self.assertIn(
                f"access_token={quotation.access_token}", quotation.get_portal_url()
            )
            # typed by hand: lower case, with the hyphen of the printed code
            typed = f"{code[:4]}-{code[4:]}".lower()
            response = self.url_open(f"/q/{typed}", allow_redirects=False)
            self.assertEqual(response.status_code, 303)
            # or given on the phone: the salesperson finds the quotation by it
            self.assertEqual(quotation.followup_order_code, f"{code[:4]}-{code[4:]}")
            orders = self.env["sale.order"].search(
                [("followup_order_code", "ilike", typed)]
            )
            self.assertEqual(orders, quotation)
            # the public visitor lands on the quotation
            page = self.url_open(short_url)
            self.assertEqual(page.status_code, 200)
            self.assertIn(quotation.name, page.text)

    def test_unknown_code_is_not_found(self):
        self.assertEqual(self.url_open("/q/ABCDEFGH").status_code, 404)
        self.assertEqual(self.url_open("/q/0O1I").status_code, 404)
        self.assertEqual(self.url_open("/q/" + "A" * 200).status_code, 404)


@tagged("post_install", "-at_install")
class TestCampaignCards(CampaignCase):
    def test_campaign_cards_have_the_postcard_address_side(self):
        with freeze_time(NOW):
            campaign = self._confirm(self._campaign())
        printed = campaign.piece_ids.filtered(lambda p: p.kind == "printed")[:2]
        printed.partner_id.write(
            {
                "country_id": self.env.ref("base.jp").id,
                "state_id": self.env.ref("base.state_jp_jp-13").id,
                "zip": "150-0001",
                "city": "渋谷区",
                "street": "神宮前1-2-3",
            }
        )
        pages = pdf_pages(
            render_pdf(self, printed, "customer_followup.action_report_campaign_batch")
        )
        self.assertEqual(len(pages), 4)
        for piece, address, message in zip(
            printed, pages[::2], pages[1::2], strict=True
        ):
            digits = sorted(
                (w for w in address if w.top < layout.ADDRESS_TOP - 2),
                key=lambda w: w.left,
            )
            self.assertEqual("".join(w.text for w in digits), "1500001")
            for word, left in zip(digits, layout.POSTAL_FRAME_LEFTS, strict=True):
                self.assertAlmostEqual(
                    word.centre_x, left + layout.POSTAL_FRAME_WIDTH / 2, delta=0.3
                )
            texts = [w.text for w in address]
            self.assertIn("東京都渋谷区神宮前一の二の三", texts)
            honorific = "御中" if piece.partner_id.is_company else "様"
            self.assertIn(honorific, texts)
            self.assertIn(piece.partner_id.name.split()[-1], texts)
            self.assertIn("Thank you for this year.", " ".join(w.text for w in message))
