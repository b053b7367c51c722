from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.customer_product_registration import SERIAL_MAX_LENGTH

OLDEST_PURCHASE_YEARS = 50


class FollowupCustomerPortal(CustomerPortal):
    """ "My products": what the customer owns, the parts it needs and when,
    registering a product bought elsewhere, and the reminders switch.

    Portal users have no access rights on the follow-up models: every read
    and write below runs as superuser, always restricted to the commercial
    partner of the logged-in user, never to an id taken from the request."""

    def _document_check_access(self, model_name, document_id, access_token=None):
        """A document opened by its customer, with the link of a mail or a
        postcard (access token) or as a logged-in portal user, is shown in the
        customer's language, whatever the browser's language."""
        document_sudo = super()._document_check_access(
            model_name, document_id, access_token=access_token
        )
        user = request.env.user
        if not user.share:
            return document_sudo
        if user._is_public():
            partner = (
                document_sudo.partner_id if "partner_id" in document_sudo else None
            )
        else:
            partner = user.partner_id
        if partner and request.env["ir.http"]._followup_use_customer_lang(partner.lang):
            document_sudo = document_sudo.with_context(lang=request.env.lang)
        return document_sudo

    def _followup_partner(self):
        return request.env.user.partner_id.commercial_partner_id

    def _followup_registrations(self, partner):
        return (
            request.env["customer.product.registration"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("state", "in", ("to_confirm", "active")),
                ]
            )
        )

    def _followup_registrable_products(self, partner):
        company_ids = [False, *(partner.company_id or request.env.companies).ids]
        rules = (
            request.env["product.consumable.rule"]
            .sudo()
            .search(
                [("active", "=", True), ("company_id", "in", company_ids)],
            )
        )
        products = rules.product_tmpl_id.product_variant_ids.filtered("sale_ok")
        return products.sorted("display_name")

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "followup_product_count" in counters:
            values["followup_product_count"] = len(
                self._followup_registrations(self._followup_partner())
            )
        return values

    def _followup_products_values(self, **kwargs):
        partner = self._followup_partner()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "followup_products",
                "partner": partner,
                "registrations": self._followup_registrations(partner),
                "registrable_products": self._followup_registrable_products(partner),
                "today": request.env.company._followup_today(),
                "serial_max_length": SERIAL_MAX_LENGTH,
                **kwargs,
            }
        )
        return values

    @http.route("/my/products", type="http", auth="user", website=True, readonly=True)
    def portal_my_products(self, **kwargs):
        messages = {
            "registered": request.env._("Thank you: your product is registered."),
            "reminders_off": request.env._("Replacement reminders are stopped."),
            "reminders_on": request.env._("Replacement reminders are on again."),
        }
        values = self._followup_products_values(
            success=messages.get(kwargs.get("message")), form={}
        )
        return request.render("customer_followup.portal_my_products", values)

    def _followup_check_registration(self, partner, form):
        """Return (values to create, error message)."""
        env = request.env
        products = self._followup_registrable_products(partner)
        try:
            product = products.filtered(lambda p: p.id == int(form.get("product_id")))
        except (TypeError, ValueError):
            product = products.browse()
        if not product:
            return None, env._("Choose one of the products in the list.")
        try:
            purchase_date = fields.Date.to_date(form.get("purchase_date") or None)
        except ValueError:
            purchase_date = None
        today = env.company._followup_today()
        if not purchase_date:
            return None, env._("Enter the purchase date (YYYY-MM-DD).")
        if purchase_date > today:
            return None, env._("The purchase date cannot be in the future.")
        if purchase_date < today - relativedelta(years=OLDEST_PURCHASE_YEARS):
            return None, env._(
                "The purchase date cannot be more than %(years)s years ago.",
                years=OLDEST_PURCHASE_YEARS,
            )
        serial = (form.get("serial") or "").strip()
        if len(serial) > SERIAL_MAX_LENGTH:
            return None, env._(
                "The model or serial number is limited to %(size)s characters.",
                size=SERIAL_MAX_LENGTH,
            )
        return {
            "product_id": product.id,
            "purchase_date": purchase_date,
            "serial": serial or False,
            "company_id": (partner.company_id or env.company).id,
        }, None

    @http.route(
        "/my/products/register",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_register_product(self, **form):
        partner = self._followup_partner()
        vals, error = self._followup_check_registration(partner, form)
        if error:
            values = self._followup_products_values(error=error, form=form)
            return request.render("customer_followup.portal_my_products", values)
        error = None
        try:
            with request.env.cr.savepoint():
                request.env["customer.product.registration"]._register_from_portal(
                    partner, vals
                )
        except (UserError, ValidationError) as refused:
            error = refused.args[0]
        except IntegrityError:
            # a concurrent request registered the same product
            error = request.env._("This product is already registered.")
        if error:
            values = self._followup_products_values(error=error, form=form)
            return request.render("customer_followup.portal_my_products", values)
        return request.redirect("/my/products?message=registered")

    @http.route(
        "/my/products/reminders",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_product_reminders(self, stop=None, **kwargs):
        stop = stop == "1"
        self._followup_partner().sudo().followup_no_replacement_reminder = stop
        message = "reminders_off" if stop else "reminders_on"
        return request.redirect(f"/my/products?message={message}")
