from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from ..models.customer_followup_optout import OPTOUT_PATH


class FollowupOptout(http.Controller):
    @http.route(
        f"{OPTOUT_PATH}<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        sitemap=False,
    )
    def followup_stop(self, token, **kwargs):
        """The stop link of the addon's mails, without login: GET asks to
        confirm (mail scanners follow links), POST stops the reminders; mail
        programs POST ``List-Unsubscribe=One-Click`` to it (RFC 8058)."""
        optout = request.env["customer.followup.optout"]
        partner = optout._partner_from_token(token)
        if not partner:
            raise NotFound()
        done = request.httprequest.method == "POST"
        if done:
            optout._stop(partner)
        company = (partner.company_id or request.env.company).sudo()
        html = (
            request.env["ir.qweb"]
            .sudo()
            .with_context(lang=partner.lang)
            ._render(
                "customer_followup.optout_page",
                {
                    "company": company,
                    "address": optout._sender_address(
                        company.with_context(lang=partner.lang), partner
                    ),
                    "done": done,
                    "action": OPTOUT_PATH + token,
                },
            )
        )
        return request.make_response(
            "<!DOCTYPE html>\n" + html,
            headers=[("Content-Type", "text/html; charset=utf-8")],
        )
