import re

from odoo import http
from odoo.http import request

from ..models.sale_order import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH

SHORT_CODE_RE = re.compile(f"[{SHORT_CODE_ALPHABET}]{{{SHORT_CODE_LENGTH}}}")


def normalized_code(code):
    """A typed code as stored: upper case, without hyphen nor space."""
    return code.replace("-", "").replace(" ", "").upper()


class FollowupShortLink(http.Controller):
    def _followup_short_link_readonly(self, rule, args):
        """On the read replica when the link only reads: a known code of a
        quotation that has its access token. A wrong code is counted and a
        missing token made: both write, on the primary."""
        code = normalized_code(args.get("code") or "")
        if not SHORT_CODE_RE.fullmatch(code):
            return False
        return bool(
            request.env["sale.order"]
            .sudo()
            .search_count(
                [("followup_short_code", "=", code), ("access_token", "!=", False)],
                limit=1,
            )
        )

    @http.route(
        "/q/<string:code>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
        readonly=_followup_short_link_readonly,
    )
    def followup_short_link(self, code, **kwargs):
        """The short link of a postcard or a reminder mail: to the quotation
        in the portal, with its access token, while it can be signed or paid.
        The code is the secret: typed codes may come in lower case or with a
        hyphen (K7WQ-3MZD); a client sending many wrong codes waits."""
        attempts = request.env["customer.followup.short.link.attempt"]
        address = request.httprequest.remote_addr or "unknown"
        if attempts._is_throttled(address):
            return request.make_response(
                request.env._("Too many wrong codes: try again in ten minutes."),
                headers=[("Content-Type", "text/plain; charset=utf-8")],
                status=429,
            )
        code = normalized_code(code)
        order = request.env["sale.order"].sudo()
        if SHORT_CODE_RE.fullmatch(code):
            order = order.search([("followup_short_code", "=", code)], limit=1)
        if not order:
            # answered, not raised: the count is committed with the request
            attempts._record_wrong_code(address)
            return request.make_response(
                request.env._("No quotation has this code."),
                headers=[("Content-Type", "text/plain; charset=utf-8")],
                status=404,
            )
        if not order._followup_short_link_open():
            return self._followup_closed_offer(order)
        # in the customer's language (the portal shows it anyway): no detour
        return request.redirect(order._get_followup_portal_url(), code=303)

    def _followup_closed_offer(self, order):
        """A page in the customer's language: the offer is closed, and how to
        reach the shop; nothing about the customer nor the order."""
        company = order.company_id
        html = (
            request.env["ir.qweb"]
            .with_context(lang=order.partner_id.lang or company.partner_id.lang)
            ._render("customer_followup.short_link_closed", {"company": company})
        )
        return request.make_response(
            "<!DOCTYPE html>\n" + html,
            headers=[("Content-Type", "text/html; charset=utf-8")],
            status=410,
        )
