import re

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from ..models.sale_order import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH

SHORT_CODE_RE = re.compile(f"[{SHORT_CODE_ALPHABET}]{{{SHORT_CODE_LENGTH}}}")


class FollowupShortLink(http.Controller):
    @http.route(
        "/q/<string:code>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def followup_short_link(self, code, **kwargs):
        """The short link of a postcard or a reminder mail: to the quotation
        in the portal, with its access token. The code is the secret: typed
        codes may come in lower case or with a hyphen (K7WQ-3MZD)."""
        code = code.replace("-", "").replace(" ", "").upper()
        if not SHORT_CODE_RE.fullmatch(code):
            raise NotFound()
        order = (
            request.env["sale.order"]
            .sudo()
            .search([("followup_short_code", "=", code)], limit=1)
        )
        if not order:
            raise NotFound()
        # in the customer's language (the portal shows it anyway): no detour
        return request.redirect(order._get_followup_portal_url(), code=303)
