from odoo import http
from odoo.exceptions import AccessError, MissingError
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

    @http.route()
    def portal_order_page(self, order_id, report_type=None, access_token=None, **kw):
        # A payment provider enabled or disabled since the reminder changes
        # what the customer is asked for before the page shows it.
        try:
            order_sudo = self._document_check_access(
                "sale.order", order_id, access_token=access_token
            )
        except (AccessError, MissingError):
            order_sudo = None
        if order_sudo:
            order_sudo._followup_sync_payment()
            # a visitor of the mail's link has no timezone of their own: the
            # order's dates are the shop's days, not UTC's
            if request.env.user._is_public():
                request.update_context(tz=order_sudo.company_id._followup_tz_name())
        return super().portal_order_page(
            order_id, report_type=report_type, access_token=access_token, **kw
        )
