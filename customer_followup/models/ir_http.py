from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _frontend_pre_dispatch(cls):
        res = super()._frontend_pre_dispatch()
        # A logged-in customer reads the portal in its own language, not in
        # the browser's or a previous visitor's (the frontend_lang cookie).
        user = request.env.user
        if (
            user.share
            and not user._is_public()
            and request.httprequest.path.startswith("/my")
        ):
            cls._followup_use_customer_lang(user.partner_id.lang)
        return res

    @classmethod
    def _followup_use_customer_lang(cls, code):
        """Serve the current frontend request, and the next ones of this
        browser, in the language ``code`` when it is active. Return whether
        the request is now in that language."""
        lang = request.env["res.lang"]._get_data(code=code) if code else None
        if not lang:
            return False
        current = getattr(request, "lang", None)
        if not current or current.code != lang.code:
            request.lang = lang
            request.update_context(lang=lang.code)
            request.future_response.set_cookie("frontend_lang", lang.code)
        return True
