import secrets

from odoo import api, fields, models

# set while the addon itself adjusts ``require_payment`` to the providers
PAYMENT_SYNC_CONTEXT_KEY = "followup_payment_sync"

# Short order codes, printed on postcards and typed by customers: no 0/O or
# 1/I to confuse; 32^8 (about 10^12) codes, so that guessing one among a
# shop's quotations is hopeless.
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
SHORT_CODE_LENGTH = 8
SHORT_URL_PATH = "/q/"


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = [
        "sale.order",
        "customer.touchpoint.mixin",
        "customer.touchpoint.capture",
    ]

    _touchpoint_link_field = "sale_order_id"
    _touchpoint_dialog_key = "order"

    touchpoint_ids = fields.One2many(
        "customer.touchpoint", "sale_order_id", string="Touchpoints"
    )
    touchpoint_count = fields.Integer(compute="_compute_touchpoint_count")
    registration_ids = fields.One2many(
        "customer.product.registration", "sale_order_id", string="Registered Products"
    )
    registration_count = fields.Integer(compute="_compute_registration_count")
    followup_auto_payment = fields.Boolean(
        string="Payment Follows Providers",
        copy=False,
        help="Set on replacement reminder quotations: online payment is asked "
        "only while an enabled payment provider can take it (checked again when "
        "the customer opens the quotation); changing Online payment by hand "
        "turns this off.",
    )
    followup_short_code = fields.Char(
        string="Short Order Code",
        copy=False,
        readonly=True,
        help="Opens this quotation in the customer portal at /q/<code>: printed "
        "on replacement postcards with a QR code.",
    )

    followup_order_code = fields.Char(
        string="Order Code",
        compute="_compute_followup_order_code",
        search="_search_followup_order_code",
        help="The short order code as printed on the postcard (e.g. K7WQ-3MZD): "
        "a customer who calls gives it to find the quotation.",
    )

    _followup_short_code_unique = models.UniqueIndex(
        "(followup_short_code) WHERE followup_short_code IS NOT NULL",
        "This short order code is already used.",
    )

    def _compute_followup_order_code(self):
        for order in self:
            code = order.followup_short_code
            order.followup_order_code = code and f"{code[:4]}-{code[4:]}"

    def _search_followup_order_code(self, operator, value):
        if operator not in ("=", "ilike") or not isinstance(value, str):
            return NotImplemented
        code = value.replace("-", "").replace(" ", "").upper()
        return [("followup_short_code", operator, code)]

    def _followup_new_short_codes(self, count):
        """``count`` new short order codes, unused so far (the unique index
        stops the one-in-a-trillion race)."""
        codes = set()
        while len(codes) < count:
            wanted = {
                "".join(
                    secrets.choice(SHORT_CODE_ALPHABET)
                    for __ in range(SHORT_CODE_LENGTH)
                )
                for __ in range(count - len(codes))
            }
            used = self.sudo().search_fetch(
                [("followup_short_code", "in", list(wanted))], ["followup_short_code"]
            )
            codes |= wanted - set(used.mapped("followup_short_code"))
        return list(codes)

    def _followup_ensure_short_code(self):
        missing = self.filtered(lambda order: not order.followup_short_code)
        codes = self._followup_new_short_codes(len(missing))
        for order, code in zip(missing, codes, strict=True):
            order.sudo().followup_short_code = code

    def _get_followup_short_url(self):
        """The short link of this quotation, e.g. https://shop.example/q/K7WQ3MZD:
        it redirects to the quotation in the portal, with its access token."""
        self.ensure_one()
        self._followup_ensure_short_code()
        return self.get_base_url() + SHORT_URL_PATH + self.followup_short_code

    # a customer's last order and open quotations in one index probe
    # (planner summaries): sale's own indexes make PostgreSQL read every order
    _followup_partner_state_idx = models.Index(
        "(partner_id, state, date_order DESC, id DESC) INCLUDE (name)"
    )

    def _compute_registration_count(self):
        counts = dict(
            self.env["customer.product.registration"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.registration_count = counts.get(order._origin, 0)

    def write(self, vals):
        if "require_payment" in vals and not self.env.context.get(
            PAYMENT_SYNC_CONTEXT_KEY
        ):
            vals = {**vals, "followup_auto_payment": False}
        return super().write(vals)

    @api.model
    def _followup_payment_companies(self, companies):
        """The companies among ``companies`` with an enabled (or test) payment
        provider published for customers: their reminder quotations ask for
        online payment, the others for a signature only."""
        groups = (
            self.env["payment.provider"]
            .sudo()
            ._read_group(
                [
                    ("state", "in", ("enabled", "test")),
                    ("is_published", "=", True),
                    ("company_id", "in", companies.ids),
                ],
                ["company_id"],
            )
        )
        return self.env["res.company"].union(*(company for (company,) in groups))

    def _followup_sync_payment(self):
        """Ask for online payment on the open reminder quotations of ``self``
        exactly when a payment provider can take it now: a provider enabled or
        disabled since the reminder changes what the customer is asked for, so
        that the quotation can always become an order."""
        for order in self.sudo():
            if (
                not order.followup_auto_payment
                or order.state not in ("draft", "sent")
                or order.signature
                or order.transaction_ids
            ):
                continue
            providers = (
                self.env["payment.provider"]
                .sudo()
                ._get_compatible_providers(
                    order.company_id.id,
                    order.partner_invoice_id.id,
                    order.amount_total,
                    currency_id=order.currency_id.id,
                    sale_order_id=order.id,
                )
            )
            if bool(providers) != order.require_payment:
                order.with_context(**{PAYMENT_SYNC_CONTEXT_KEY: True}).write(
                    {"require_payment": bool(providers)}
                )

    def _followup_short_link_open(self):
        """Whether the short link still opens the quotation: while it can be
        signed or paid, up to its validity date in the shop's day."""
        self.ensure_one()
        if self.state not in ("draft", "sent"):
            return False
        # the shop's day, not the visitor's
        today = self.company_id._followup_today()
        return not self.validity_date or self.validity_date >= today

    def _get_followup_portal_url(self):
        """The customer's link to the quotation, in the customer's language:
        the language prefix of the portal's URLs, even the default language's
        (an unprefixed URL takes the browser's language, and the page's
        widgets with it; Odoo answers the default language's prefix with the
        unprefixed URL and the language cookie)."""
        self.ensure_one()
        url = self.get_portal_url()
        lang = self.env["res.lang"]._get_data(code=self.partner_id.lang)
        if lang:
            url = f"/{lang.url_code}{url}"
        return self.get_base_url() + url

    def _message_post_after_hook(self, message, msg_values):
        res = super()._message_post_after_hook(message, msg_values)
        self._followup_capture_message(message, msg_values)
        return res

    def _followup_capture_links(self):
        return {"sale_order_id": self.id, "lead_id": False}

    def _followup_capture_partners(self):
        return self.partner_id | self.partner_invoice_id | self.partner_shipping_id

    def _followup_capture_summary(self, message, origin, contact):
        if origin == "portal" and self.signed_by:
            return self.env._(
                "%(document)s signed in the portal by %(name)s",
                document=self.display_name,
                name=self.signed_by,
            )
        return super()._followup_capture_summary(message, origin, contact)

    def _action_confirm(self):
        res = super()._action_confirm()
        # Close the cycles of parts bought before registering new products, so
        # that a part sold with its product does not close the product's cycle.
        self.env["customer.replacement"].sudo()._on_order_confirmed(self)
        self._register_consumable_products()
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self.env["customer.product.registration"].sudo().search(
            [("sale_order_id", "in", self.ids), ("state", "=", "active")]
        ).write({"state": "retired"})
        return res

    def _register_consumable_products(self):
        lines = self.order_line.filtered(
            lambda line: line.product_id and not line.display_type
        )
        rule_templates = (
            self.env["product.consumable.rule"]
            .sudo()
            .search([("product_tmpl_id", "in", lines.product_id.product_tmpl_id.ids)])
            .product_tmpl_id
        )
        lines = lines.filtered(
            lambda line: (
                line.product_id.product_tmpl_id in rule_templates
                and line.product_uom_qty > 0
            )
        )
        registered = (
            self.env["customer.product.registration"]
            .sudo()
            .with_context(active_test=False)
            .search([("sale_line_id", "in", lines.ids)])
            .sale_line_id
        )
        return (
            self.env["customer.product.registration"]
            .sudo()
            .create(
                [
                    {
                        "partner_id": line.order_id.partner_id.commercial_partner_id.id,
                        "product_id": line.product_id.id,
                        "purchase_date": line.order_id.company_id._followup_date(
                            line.order_id.date_order
                        ),
                        "quantity": line.product_uom_qty,
                        "sale_line_id": line.id,
                        "company_id": line.order_id.company_id.id,
                    }
                    for line in lines - registered
                ]
            )
        )

    def action_view_registrations(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.action_customer_product_registration"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
