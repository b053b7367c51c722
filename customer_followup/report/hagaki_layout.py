import base64
import re
import unicodedata

from odoo import api, models

from odoo.addons.base.models.ir_actions_report import _wkhtml

from ..models.postal_address import has_japanese_script, japanese_address_lines

# Japan Post's standard postcard (通常はがき), portrait, in millimetres.
PAGE_WIDTH = 100.0
PAGE_HEIGHT = 148.0
# One sheet per page: a hair shorter than the page, so that rounding in
# wkhtmltopdf never pushes a sheet onto two pages.
SHEET_HEIGHT = 147.0

# The postal code frames (郵便番号枠) of the address side, as Japan Post
# specifies them for postcards (日本郵便「郵便番号枠の位置及び大きさ」, the
# standard printed on official postcards and required of private ones):
# seven frames of 5.7 x 8.0 mm whose top edge is 12.0 mm below the top of the
# card and whose right edge is 8.0 mm from its right side; gaps of 1.3 mm
# between the first three, 1.9 mm before the fourth (with the hyphen, 4.0 mm
# below the frames' top), 1.1 mm between the last four; frame lines of
# 0.4-0.6 mm (first three) and 0.2-0.4 mm (last four), vermilion.
POSTAL_FRAME_TOP = 12.0
POSTAL_FRAME_WIDTH = 5.7
POSTAL_FRAME_HEIGHT = 8.0
POSTAL_FRAME_LEFTS = (44.3, 51.3, 58.3, 65.9, 72.7, 79.5, 86.3)
POSTAL_FRAME_LINES = (0.5, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3)
POSTAL_HYPHEN = (64.2, 16.0, 1.5)  # left, top, length
POSTAL_FRAME_COLOR = "#e60012"  # 金赤 (magenta + yellow, no cyan or black)
POSTAL_DIGIT_SIZE = 5.0
# The stamp: official postcards have it printed at the top left (about
# 20 x 25 mm); nothing is printed there, and plain cards get a box for it.
STAMP_BOX = (7.0, 8.0, 22.0, 27.0)  # left, top, width, height

# The recipient, written vertically (tategaki): address columns on the right
# from below the postal code frames, the name large in the centre.
ADDRESS_RIGHT = 93.0
ADDRESS_TOP = 27.0
ADDRESS_BOTTOM = 128.0
ADDRESS_SIZE = 5.0
ADDRESS_INDENT = 2  # characters: the second address line starts lower
NAME_CENTRE_X = PAGE_WIDTH / 2
NAME_TOP = 32.0
NAME_BOTTOM = 128.0
NAME_MAX_SIZE = 9.0
COLUMN_PITCH = 1.45  # column spacing, in font sizes
# The sender, at the lower left, below the middle of the card.
SENDER_LEFT = 7.0
SENDER_RIGHT = 38.0
SENDER_TOP = 80.0
SENDER_BOTTOM = 132.0
SENDER_SIZE = 3.5
SENDER_NAME_SIZE = 4.2
SENDER_ZIP_TOP = 135.0
# Addresses abroad: horizontal, in the country's format.
FOREIGN_BOX = (20.0, 55.0, 72.0)  # left, top, width
FOREIGN_SIZE = 4.2
# left of the name column, whatever the size of the name
SENDER_FOREIGN_BOX = (7.0, 110.0, 36.0)

# The Qt of Linux distributions' wkhtmltopdf ignores --zoom and
# --disable-smart-shrinking and prints 1 CSS mm as 0.7687 mm (measured with
# pdftotext -bbox, the same at any page size): the sheets are zoomed back.
UNPATCHED_QT_ZOOM = 1.3008

KANJI_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")
# Hyphens between numbers read "の" (一の二の三): a vertical dash could be
# taken for 一.
NUMBER_HYPHEN_RE = re.compile(r"(?<=[0-9])\s*[-‐‑‒–—―−ー－]\s*(?=[0-9])")
# Characters that the old WebKit of wkhtmltopdf does not turn in vertical
# text: their vertical forms.
VERTICAL_FORMS = str.maketrans(
    {
        "ー": "｜",
        "-": "｜",
        "－": "｜",
        "—": "｜",
        "―": "｜",
        "(": "︵",
        ")": "︶",
        "（": "︵",
        "）": "︶",
        "「": "﹁",
        "」": "﹂",
        "『": "﹃",
        "』": "﹄",
        "、": "︑",
        "。": "︒",
        "，": "︐",
        ",": "︐",
    }
)


def tategaki(text):
    """``text`` as written in a vertical Japanese address: numbers in kanji
    digits, one by one (3-7-1 → 三の七の一, 101 → 一〇一), and the
    characters that do not turn by themselves in their vertical forms."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    text = NUMBER_HYPHEN_RE.sub("の", text)
    text = text.translate(KANJI_DIGITS)
    return text.translate(VERTICAL_FORMS)


def text_length(text):
    """Length of ``text`` in font sizes: Japanese characters are square,
    Latin letters (turned in vertical text) about half as long."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def split_columns(text, max_length):
    """Cut ``text`` into columns of at most ``max_length`` font sizes,
    at spaces when there are any."""
    columns, current = [], ""
    for word in re.split(r"(\s+)", text):
        if not word:
            continue
        if text_length(current + word) <= max_length:
            current += word
            continue
        if current.strip():
            columns.append(current.strip())
        current = "" if word.isspace() else word
        while text_length(current) > max_length:
            cut = len(current)
            while cut > 1 and text_length(current[:cut]) > max_length:
                cut -= 1
            columns.append(current[:cut])
            current = current[cut:]
    if current.strip():
        columns.append(current.strip())
    return columns


def is_japanese(partner):
    return partner.country_id.code in (False, "JP")


def mm(value):
    return f"{value:.2f}mm"


class CustomerFollowupHagaki(models.AbstractModel):
    """The address side (表面) of the postcards the addon prints, shared by
    the replacement postcards and the campaigns' printed cards: every
    element with its position in millimetres on the card, from the
    constants above."""

    _name = "customer.followup.hagaki"
    _description = "Postcard Address Side"

    @api.model
    def _zoom(self):
        return 1.0 if _wkhtml().is_patched_qt else UNPATCHED_QT_ZOOM

    @api.model
    def _sheet_style(self):
        return (
            f"zoom: {self._zoom()}; width: {mm(PAGE_WIDTH)}; "
            f"height: {mm(SHEET_HEIGHT)};"
        )

    @api.model
    def _qr_data_uri(self, value):
        """A QR code of ``value`` as a data URI: wkhtmltopdf needs no request
        to the server for it."""
        png = self.env["ir.actions.report"].barcode(
            "QR", value, width=300, height=300, barLevel="M"
        )
        return "data:image/png;base64," + base64.b64encode(png).decode()

    @api.model
    def _address_side(self, partner, company):
        """The elements of the address side of a card to ``partner`` from
        ``company``: dicts of role, text or lines, CSS class and style."""
        paper = company.followup_hagaki_paper or "official"
        elements = []
        if paper == "plain":
            elements.append(self._stamp_box())
        if is_japanese(partner):
            if paper == "plain":
                elements += self._postal_frames()
            elements += self._postal_digits(partner.zip)
            # the prefectures' names are Japanese: the rest tells
            if has_japanese_script([partner.city or "", partner.street or ""]):
                elements += self._recipient_vertical(partner)
            else:
                # an address in Latin letters is written horizontally, in the
                # order of romanized Japanese addresses: street first
                city = ", ".join(
                    part for part in (partner.city, partner.state_id.name) if part
                )
                elements.append(
                    self._recipient_horizontal(
                        partner,
                        [partner.street or "", partner.street2 or "", city],
                        self._honorific(partner),
                    )
                )
        else:
            elements.append(
                self._recipient_horizontal(
                    partner,
                    partner._display_address(without_company=True).split("\n"),
                )
            )
        elements += self._sender(company)
        return {"paper": paper, "elements": elements}

    @api.model
    def _box(self, role, left, top, width, height, extra=""):
        return {
            "role": role,
            "class": f"o_hagaki_{role}",
            "style": f"left: {mm(left)}; top: {mm(top)}; width: {mm(width)}; "
            f"height: {mm(height)}; {extra}",
        }

    @api.model
    def _stamp_box(self):
        left, top, width, height = STAMP_BOX
        box = self._box("stamp", left, top, width, height, "border: 0.3mm dashed #888;")
        box["text"] = self.env._("Stamp")
        return box

    @api.model
    def _postal_frames(self):
        frames = [
            self._box(
                "frame",
                left,
                POSTAL_FRAME_TOP,
                POSTAL_FRAME_WIDTH,
                POSTAL_FRAME_HEIGHT,
                f"border: {mm(line)} solid {POSTAL_FRAME_COLOR};",
            )
            for left, line in zip(POSTAL_FRAME_LEFTS, POSTAL_FRAME_LINES, strict=True)
        ]
        left, top, length = POSTAL_HYPHEN
        frames.append(
            self._box(
                "frame",
                left,
                top - 0.25,
                length,
                0.5,
                f"background: {POSTAL_FRAME_COLOR};",
            )
        )
        return frames

    @api.model
    def _postal_digits(self, zip_code):
        digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", zip_code or ""))
        if len(digits) != len(POSTAL_FRAME_LEFTS):
            if not zip_code:
                return []
            # not a Japanese postal code: written out under the frames
            box = self._box(
                "zip",
                POSTAL_FRAME_LEFTS[0],
                POSTAL_FRAME_TOP + POSTAL_FRAME_HEIGHT + 1.0,
                POSTAL_FRAME_LEFTS[-1] + POSTAL_FRAME_WIDTH - POSTAL_FRAME_LEFTS[0],
                4.0,
                f"font-size: {mm(3.5)};",
            )
            box["text"] = zip_code
            return [box]
        boxes = []
        for digit, left in zip(digits, POSTAL_FRAME_LEFTS, strict=True):
            box = self._box(
                "digit",
                left,
                POSTAL_FRAME_TOP,
                POSTAL_FRAME_WIDTH,
                POSTAL_FRAME_HEIGHT,
                f"font-size: {mm(POSTAL_DIGIT_SIZE)}; "
                f"line-height: {mm(POSTAL_FRAME_HEIGHT)};",
            )
            box["text"] = digit
            boxes.append(box)
        return boxes

    @api.model
    def _column(self, role, text, right, top, size, extra="", length=None):
        """A vertical column of ``text`` whose right edge is at ``right``."""
        column = self._box(
            role,
            right - size,
            top,
            size,
            (length or text_length(text)) * size + 1.0,
            f"font-size: {mm(size)}; line-height: {mm(size)}; {extra}",
        )
        column["class"] += " o_hagaki_vertical"
        column["text"] = text
        return column

    @api.model
    def _columns(self, role, lines, right, top, bottom, size, indent=0, extra=""):
        """Columns of ``lines`` from ``right`` to the left, each line on its
        own columns, the lines after the first starting ``indent``
        characters lower. Returns (columns, left edge of the last one)."""
        columns = []
        for index, line in enumerate(lines):
            start = top + (indent * size if index else 0)
            for text in split_columns(tategaki(line), (bottom - start) / size):
                columns.append(self._column(role, text, right, start, size, extra))
                right -= size * COLUMN_PITCH
        return columns, right + size * COLUMN_PITCH - size

    @api.model
    def _honorific(self, partner):
        # Japanese postal etiquette: 御中 for a company, 様 for a person
        return "御中" if partner.is_company else "様"

    @api.model
    def _recipient_vertical(self, partner):
        columns, __ = self._columns(
            "address",
            japanese_address_lines(partner),
            ADDRESS_RIGHT,
            ADDRESS_TOP,
            ADDRESS_BOTTOM,
            ADDRESS_SIZE,
            indent=ADDRESS_INDENT,
        )
        name = unicodedata.normalize("NFKC", partner.name or "").strip()
        honorific = self._honorific(partner)
        length = text_length(name) + 1 + len(honorific)
        size = min(NAME_MAX_SIZE, (NAME_BOTTOM - NAME_TOP) / length)
        name_column = self._column(
            "name",
            name,
            NAME_CENTRE_X + size / 2,
            NAME_TOP,
            size,
            "font-weight: bold;",
            length=length,
        )
        # the honorific after a space: its own word for the reader
        name_column["honorific"] = honorific
        columns.append(name_column)
        if partner.parent_id and not partner.is_company:
            # a contact of a company: the company's name right of the name
            company_size = min(ADDRESS_SIZE, size * 0.7)
            columns.append(
                self._column(
                    "company",
                    tategaki(partner.parent_id.name),
                    NAME_CENTRE_X + size / 2 + company_size * 1.8,
                    NAME_TOP,
                    company_size,
                )
            )
        return columns

    @api.model
    def _recipient_horizontal(self, partner, lines, honorific=""):
        left, top, width = FOREIGN_BOX
        block = self._box(
            "foreign",
            left,
            top,
            width,
            PAGE_HEIGHT - top - 40.0,
            f"font-size: {mm(FOREIGN_SIZE)}; line-height: 1.35;",
        )
        block["title"] = partner.name
        block["honorific"] = honorific
        block["lines"] = [line for line in lines if line.strip()]
        return block

    @api.model
    def _sender(self, company):
        partner = company.partner_id
        lines = japanese_address_lines(partner)
        if not is_japanese(partner) or not has_japanese_script(
            [partner.city or "", partner.street or ""]
        ):
            left, top, width = SENDER_FOREIGN_BOX
            block = self._box(
                "sender",
                left,
                top,
                width,
                PAGE_HEIGHT - top - 6.0,
                f"font-size: {mm(SENDER_SIZE * 0.8)}; line-height: 1.3;",
            )
            block["title"] = company.name
            block["lines"] = [
                line
                for line in partner._display_address(without_company=True).split("\n")
                if line.strip()
            ]
            return [block]
        columns, left = self._columns(
            "sender",
            lines,
            SENDER_RIGHT,
            SENDER_TOP,
            SENDER_BOTTOM,
            SENDER_SIZE,
            indent=1,
        )
        name_top = SENDER_TOP + 2 * SENDER_SIZE
        for text in split_columns(
            tategaki(company.name), (SENDER_BOTTOM - name_top) / SENDER_NAME_SIZE
        ):
            right = left - SENDER_SIZE * (COLUMN_PITCH - 1)
            columns.append(
                self._column("sender", text, right, name_top, SENDER_NAME_SIZE)
            )
            left = right - SENDER_NAME_SIZE
        if partner.zip:
            zip_box = self._box(
                "sender",
                SENDER_LEFT,
                SENDER_ZIP_TOP,
                SENDER_RIGHT - SENDER_LEFT,
                4.0,
                f"font-size: {mm(SENDER_SIZE)};",
            )
            zip_box["text"] = unicodedata.normalize("NFKC", partner.zip)
            columns.append(zip_box)
        return columns
