import re
import unicodedata

from odoo import api, fields, models

# a Japanese postal code: 3 digits, a hyphen or not, 4 digits (〒 allowed)
JP_ZIP = re.compile(r"^〒?\s*(\d{3})-?\d{4}$")
AREA_LENGTH = 64


def followup_area(zip_code, city, country_code):
    """The area of an address: "〒150" (the first three digits of a Japanese
    postal code: the neighbours a salesperson visits in one round), else the
    city. Full-width digits and hyphens count as their ASCII forms."""
    if zip_code and country_code in ("JP", False):
        match = JP_ZIP.match(unicodedata.normalize("NFKC", zip_code).strip())
        if match:
            return f"〒{match.group(1)}"
    city = unicodedata.normalize("NFKC", city or "").strip()
    return city[:AREA_LENGTH] or False


class ResPartner(models.Model):
    """The area of a customer, for the visits planned by area."""

    _inherit = "res.partner"

    followup_area = fields.Char(
        string="Area",
        compute="_compute_followup_area",
        store=True,
        index="btree_not_null",
        help="The first three digits of a Japanese postal code (〒150), else "
        "the city: the customers a salesperson can visit on the same day.",
    )

    @api.depends("zip", "city", "country_id.code")
    def _compute_followup_area(self):
        for partner in self:
            partner.followup_area = followup_area(
                partner.zip, partner.city, partner.country_id.code or False
            )
