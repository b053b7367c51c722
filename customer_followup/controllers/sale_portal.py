from odoo import http
from odoo.http import request

from odoo.addons.sale.controllers import portal as sale_portal

from ..models.customer_touchpoint_capture import SIGNATURE_CONTEXT_KEY


class FollowupSalePortal(sale_portal.CustomerPortal):
    @http.route()
    def portal_quote_accept(
        self, order_id, access_token=None, name=None, signature=None
    ):
        # The message this route posts once the quotation is signed is the
        # signature: it logs a "portal" touchpoint, not a customer's reply.
        request.update_context(**{SIGNATURE_CONTEXT_KEY: True})
        return super().portal_quote_accept(
            order_id, access_token=access_token, name=name, signature=signature
        )
