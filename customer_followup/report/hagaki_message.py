"""The message side (裏面) of a campaign's postcard, as a Japanese shop
sends it (DOMAIN.md section 6): the greeting's heading, the message, the
date line in the Japanese era, the shop's name and address, and on a
handwritten card the space left for the salesperson's own line (添え書き).
Positions in millimetres on the 100 x 148 mm card, like the address side
(hagaki_layout.py)."""

import unicodedata

from odoo import api, models
from odoo.tools import format_date, html2plaintext

from ..models.postal_address import one_line_address
from .hagaki_layout import (
    COLUMN_PITCH,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    mm,
    split_columns,
    tategaki,
    text_length,
)

# Vertical writing, from the right: the heading, the message, the date line.
HEADING_RIGHT = 92.0
HEADING_TOP = 10.0
HEADING_MAX_SIZE = 11.0
TEXT_BOTTOM = 114.0
MESSAGE_TOP = 18.0
MESSAGE_SIZE = 4.2
MESSAGE_MIN_SIZE = 3.0
DATE_TOP = 48.0
DATE_SIZE = 3.8
# What the message keeps free on the left of a handwritten card: the
# salesperson writes there, vertically too.
HANDWRITTEN_BOX = (7.0, 10.0, 36.0, 104.0)  # left, top, width, height
# Horizontal writing: heading, message, date line from the top.
MARGIN = 7.0
H_HEADING_TOP = 12.0
H_HEADING_SIZE = 6.5
H_MESSAGE_TOP = 26.0
H_MESSAGE_SIZE = 3.6
H_HANDWRITTEN_BOX = (7.0, 74.0, 86.0, 42.0)
# The shop, across the foot of the card.
SHOP_TOP = 122.0
SHOP_SIZE = 3.0
SHOP_NAME_SIZE = 4.2

# A printed frame in the colour of the season: the card's design.
FRAME_INSET = 4.0
FRAME_COLORS = {
    "new_year": "#c8102e",  # 紅
    "midwinter": "#3e5f8a",
    "summer": "#2a8c82",
    "late_summer": "#c46a1b",
}
FRAME_DEFAULT_COLOR = "#8a7a5c"

ERA_NAME = "令和"
ERA_FIRST_YEAR = 2019
KANJI_NUMBERS = "〇一二三四五六七八九"


def kanji_number(number):
    """1 to 99 in kanji numerals, as years are written (23 → 二十三)."""
    tens, ones = divmod(number, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else KANJI_NUMBERS[tens]) + "十"
    if ones:
        text += KANJI_NUMBERS[ones]
    return text


def era_year(day):
    """The year of ``day`` in the Japanese era (令和九年 for 2027; the
    first year is 元年)."""
    year = day.year - ERA_FIRST_YEAR + 1
    return f"{ERA_NAME}{'元' if year == 1 else kanji_number(year)}年"


# (heading, day of the date line) of each greeting, in the Japanese custom
JAPANESE_GREETINGS = {
    "new_year": ("謹賀新年", "元旦"),
    "midwinter": ("寒中お見舞い申し上げます", None),
    "summer": ("暑中お見舞い申し上げます", "盛夏"),
    "late_summer": ("残暑お見舞い申し上げます", "晩夏"),
}


def japanese_date_line(greeting, day):
    """令和九年 元旦 (New Year), 令和九年 盛夏 (summer), 令和九年 晩夏
    (late summer), else the month: 令和九年 一月."""
    custom = JAPANESE_GREETINGS.get(greeting, (None, None))[1]
    return f"{era_year(day)}\u3000{custom or kanji_number(day.month) + '月'}"


def message_lines(html):
    """The paragraphs of an HTML message, as plain lines."""
    text = html2plaintext(html or "")
    return [line.strip() for line in text.splitlines() if line.strip()]


class CustomerFollowupHagakiMessage(models.AbstractModel):
    """The message side of a campaign's card: dicts of role, text, CSS class
    and style, as the address side's."""

    _name = "customer.followup.hagaki.message"
    _description = "Postcard Message Side"

    @api.model
    def _heading(self, campaign):
        """The greeting's heading in the language of the context: the
        Japanese custom's words in Japanese."""
        headings = {
            "new_year": self.env._("Happy New Year"),
            "midwinter": self.env._("Midwinter greetings"),
            "summer": self.env._("Summer greetings"),
            "late_summer": self.env._("Late-summer greetings"),
        }
        return headings.get(campaign.greeting) or campaign._email_subject()

    @api.model
    def _date_line(self, campaign, send_date, japanese):
        if japanese:
            return japanese_date_line(campaign.greeting, send_date)
        if campaign.greeting == "new_year":
            return format_date(self.env, send_date, date_format="MMMM d, yyyy")
        return format_date(self.env, send_date, date_format="MMMM yyyy")

    @api.model
    def _message_side(self, piece):
        """The message side of ``piece``'s card, in its customer's language:
        vertical for a Japanese customer unless the campaign says
        horizontal."""
        lang = piece.partner_id.lang or self.env.lang or "en_US"
        self = self.with_context(lang=lang)
        campaign = piece.campaign_id.with_context(lang=lang)
        japanese = lang.startswith("ja")
        vertical = japanese and campaign.card_writing != "horizontal"
        handwritten = piece.kind == "personal"
        texts = {
            "color": FRAME_COLORS.get(campaign.greeting, FRAME_DEFAULT_COLOR),
            "heading": self._heading(campaign),
            "lines": message_lines(campaign.message),
            "date": self._date_line(campaign, piece.send_date, japanese),
        }
        hagaki = self.env["customer.followup.hagaki"]
        if vertical:
            elements = self._vertical(hagaki, texts, handwritten)
        else:
            elements = self._horizontal(hagaki, texts, handwritten)
        elements += self._shop(hagaki, piece.company_id)
        color = texts["color"]
        frame = hagaki._box(
            "card_frame",
            FRAME_INSET,
            FRAME_INSET,
            PAGE_WIDTH - 2 * FRAME_INSET,
            PAGE_HEIGHT - 2 * FRAME_INSET - 1.0,
            f"border: 0.6mm double {color}; box-sizing: border-box;",
        )
        return {"vertical": vertical, "elements": [frame, *elements]}

    @api.model
    def _vertical(self, hagaki, texts, handwritten):
        heading = unicodedata.normalize("NFKC", texts["heading"])
        size = min(HEADING_MAX_SIZE, (TEXT_BOTTOM - HEADING_TOP) / text_length(heading))
        elements = [
            hagaki._column(
                "card_heading",
                tategaki(heading),
                HEADING_RIGHT,
                HEADING_TOP,
                size,
                f"font-weight: bold; color: {texts['color']};",
            )
        ]
        right = HEADING_RIGHT - size * COLUMN_PITCH - 2.0
        left_limit = (
            HANDWRITTEN_BOX[0] + HANDWRITTEN_BOX[2] + 2.0 if handwritten else MARGIN
        )
        # the message shrinks to keep its place (and the date line's)
        size = MESSAGE_SIZE
        while size > MESSAGE_MIN_SIZE:
            count = sum(
                len(split_columns(tategaki(line), (TEXT_BOTTOM - MESSAGE_TOP) / size))
                for line in texts["lines"]
            )
            if right - (count + 1) * size * COLUMN_PITCH >= left_limit:
                break
            size -= 0.2
        columns, left = hagaki._columns(
            "card_message", texts["lines"], right, MESSAGE_TOP, TEXT_BOTTOM, size
        )
        elements += columns
        date_right = left - size * (COLUMN_PITCH - 1) - 1.0
        elements.append(
            hagaki._column("card_date", texts["date"], date_right, DATE_TOP, DATE_SIZE)
        )
        if handwritten:
            elements.append(hagaki._box("card_handwritten", *HANDWRITTEN_BOX))
        return elements

    @api.model
    def _horizontal(self, hagaki, texts, handwritten):
        width = PAGE_WIDTH - 2 * MARGIN
        heading = hagaki._box(
            "card_heading",
            MARGIN,
            H_HEADING_TOP,
            width,
            H_HEADING_SIZE * 1.6,
            f"font-size: {mm(H_HEADING_SIZE)}; text-align: center; "
            f"font-weight: bold; color: {texts['color']};",
        )
        heading["text"] = texts["heading"]
        message_bottom = (
            H_HANDWRITTEN_BOX[1] if handwritten else SHOP_TOP - 2 * H_MESSAGE_SIZE
        )
        message = hagaki._box(
            "card_message",
            MARGIN,
            H_MESSAGE_TOP,
            width,
            message_bottom - H_MESSAGE_TOP - 2 * H_MESSAGE_SIZE,
            f"font-size: {mm(H_MESSAGE_SIZE)}; line-height: 1.45; white-space: normal;",
        )
        message["lines"] = texts["lines"]
        date = hagaki._box(
            "card_date",
            MARGIN,
            message_bottom - 2 * H_MESSAGE_SIZE,
            width,
            H_MESSAGE_SIZE * 1.5,
            f"font-size: {mm(H_MESSAGE_SIZE)}; text-align: right;",
        )
        date["text"] = texts["date"]
        elements = [heading, message, date]
        if handwritten:
            elements.append(hagaki._box("card_handwritten", *H_HANDWRITTEN_BOX))
        return elements

    @api.model
    def _shop(self, hagaki, company):
        partner = company.partner_id
        address = one_line_address(partner)
        width = PAGE_WIDTH - 2 * MARGIN
        shop = hagaki._box(
            "card_shop",
            MARGIN,
            SHOP_TOP,
            width,
            PAGE_HEIGHT - SHOP_TOP - 4.0,
            f"font-size: {mm(SHOP_SIZE)}; line-height: 1.4;",
        )
        shop["title"] = company.name
        shop["title_style"] = f"font-size: {mm(SHOP_NAME_SIZE)};"
        shop["lines"] = [line for line in (address, partner.phone or "") if line]
        return [shop]
