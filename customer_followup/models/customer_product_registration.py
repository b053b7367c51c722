import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from .value_range import DATE_MAX, DATE_MIN, MaxLength, ValueRange

SERIAL_MAX_LENGTH = 64
# Letters and digits of any script, spaces and the punctuation of model and
# serial numbers; anything else (markup, control characters) is refused.
SERIAL_PATTERN = re.compile(r"^[\w\s\-/.#()+]*$")


class CustomerProductRegistration(models.Model):
    _name = "customer.product.registration"
    _description = "Registered Customer Product"
    _inherit = ["mail.thread", "mail.activity.mixin", "customer.followup.guard"]
    _order = "purchase_date desc, id desc"
    _rec_names_search = ["partner_id", "product_id", "serial"]

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        help="Always the commercial partner (the company, or the individual).",
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    serial = fields.Char(
        string="Model / Serial Number",
        help="Model or serial number as written on the product.",
    )
    purchase_date = fields.Date(
        required=True,
        default=lambda self: self.env.company._followup_today(),
        tracking=True,
    )
    quantity = fields.Float(default=1.0, digits="Product Unit", required=True)
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Sale Order Line",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        readonly=True,
    )
    sale_order_id = fields.Many2one(
        related="sale_line_id.order_id", string="Sale Order", store=True
    )
    state = fields.Selection(
        [("to_confirm", "To Confirm"), ("active", "Active"), ("retired", "Retired")],
        default="active",
        required=True,
        tracking=True,
        help="A product the customer registered in the portal without buying it "
        "from the company stays to confirm, without reminders, until its "
        "salesperson confirms it.",
    )
    origin = fields.Selection(
        [
            ("sale", "Sale order"),
            ("manual", "Entered by hand"),
            ("portal", "Customer portal"),
        ],
        default="manual",
        required=True,
        readonly=True,
    )
    note = fields.Text()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    replacement_ids = fields.One2many(
        "customer.replacement", "registration_id", string="Replacement Cycles"
    )
    next_due_date = fields.Date(
        compute="_compute_next_due_date",
        help="Due date of the next planned or reminded replacement.",
    )

    _serial_length = MaxLength("serial", SERIAL_MAX_LENGTH)
    _note_length = MaxLength("note", 2000)
    _sale_line_unique = models.UniqueIndex(
        "(sale_line_id) WHERE sale_line_id IS NOT NULL",
        "A sale order line registers one product only.",
    )
    # The same guarantees as _check_duplicate, for concurrent requests.
    _serial_unique = models.UniqueIndex(
        "(partner_id, product_id, serial) "
        "WHERE serial IS NOT NULL AND state != 'retired'",
        "This product is already registered for this customer.",
    )
    _purchase_unique = models.UniqueIndex(
        "(partner_id, product_id, purchase_date) "
        "WHERE serial IS NULL AND sale_line_id IS NULL AND state != 'retired'",
        "This product is already registered for this customer.",
    )
    _quantity_range = ValueRange("quantity", 0.01, 10000.0)
    _purchase_date_range = ValueRange("purchase_date", DATE_MIN, DATE_MAX)

    @api.depends("partner_id", "product_id", "serial")
    def _compute_display_name(self):
        for registration in self:
            name = registration.product_id.display_name or ""
            if registration.serial:
                name = f"{name} ({registration.serial})"
            if registration.partner_id:
                name = f"{registration.partner_id.name} - {name}"
            registration.display_name = name

    @api.depends("replacement_ids.state", "replacement_ids.due_date")
    def _compute_next_due_date(self):
        open_cycles = dict(
            self.env["customer.replacement"]._read_group(
                [
                    ("registration_id", "in", self.ids),
                    ("state", "in", ("planned", "reminded")),
                ],
                ["registration_id"],
                ["due_date:min"],
            )
        )
        for registration in self:
            registration.next_due_date = open_cycles.get(registration._origin)

    @api.constrains("serial")
    def _check_serial(self):
        for registration in self:
            serial = registration.serial or ""
            if not SERIAL_PATTERN.match(serial):
                raise ValidationError(
                    self.env._(
                        "The model or serial number may contain letters, digits, "
                        "spaces and - / . # ( ) + only."
                    )
                )

    def _raise_if_duplicate(self):
        self.ensure_one()
        if self.state == "retired" or self.sale_line_id:
            return
        duplicate = self.sudo().search(self._duplicate_domain(), limit=1)
        if duplicate:
            raise ValidationError(
                self.env._(
                    "This product is already registered (%(registration)s).",
                    registration=duplicate.display_name,
                )
            )

    def _duplicate_domain(self):
        """Registrations of the same product as this one, entered by hand or in
        the portal: same customer, product and serial; or, without a serial,
        same customer, product and purchase date. (Registrations from sale
        lines are never refused: two lines of one day are two products.)"""
        self.ensure_one()
        domain = Domain(
            [
                ("id", "!=", self._origin.id),
                ("partner_id", "=", self.partner_id.id),
                ("product_id", "=", self.product_id.id),
                ("state", "!=", "retired"),
            ]
        )
        if self.serial:
            return domain & Domain("serial", "=", self.serial)
        return (
            domain
            & Domain("serial", "=", False)
            & Domain("purchase_date", "=", self.purchase_date)
        )

    @api.constrains("partner_id", "product_id", "serial", "purchase_date", "state")
    def _check_duplicate(self):
        for registration in self:
            registration._raise_if_duplicate()

    @api.constrains("purchase_date")
    def _check_purchase_date(self):
        if any(
            r.purchase_date and r.purchase_date > r.company_id._followup_today()
            for r in self
        ):
            raise ValidationError(
                self.env._("The purchase date cannot be in the future.")
            )

    @api.model
    def _normalize_partner(self, vals):
        if vals.get("partner_id"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals["partner_id"] = partner.commercial_partner_id.id
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize_partner(vals)
            # before the unique indexes see it, for a clear message
            self._check_followup_ranges(vals)
            self.new(vals)._raise_if_duplicate()
        registrations = super().create(vals_list)
        registrations.filtered(lambda r: r.state == "active")._plan_cycles()
        return registrations

    def write(self, vals):
        if vals.get("partner_id"):
            vals = self._normalize_partner(dict(vals))
        activated = (
            self.filtered(lambda r: r.state != "active")
            if vals.get("state") == "active"
            else self.browse()
        )
        res = super().write(vals)
        if vals.get("state") == "retired":
            self.sudo().replacement_ids.filtered(
                lambda c: c.state in ("planned", "reminded")
            ).write({"state": "cancelled"})
        if activated:
            activated._plan_cycles()
            activated.activity_unlink(
                ["customer_followup.mail_activity_type_confirm_registration"]
            )
        return res

    def _plan_cycles(self, rules=None):
        """Plan the first replacement cycle of these registrations for each
        rule of their products (``rules``, by default every active rule),
        from the purchase date, by the cycle generator (the one place where
        cycles are made: customer_replacement_generator.py)."""
        if rules is None:
            rules = (
                self.env["product.consumable.rule"]
                .sudo()
                .search(
                    [("product_tmpl_id", "in", self.product_id.product_tmpl_id.ids)]
                )
            )
        rules_by_template = rules.grouped("product_tmpl_id")
        return self.env["customer.replacement"]._plan_rule_cycles(
            {
                (registration, rule): registration.purchase_date
                for registration in self
                for rule in rules_by_template.get(
                    registration.product_id.product_tmpl_id, []
                )
            }
        )

    @api.model
    def _register_from_portal(self, partner, vals):
        """Register a product the customer entered in the portal, as
        superuser, within the daily limit of the customer's company. A product
        the customer did not buy from the company waits for its salesperson's
        confirmation (a setting) before any reminder."""
        self = self.sudo()  # noqa: PLW0642
        company = self.env["res.company"].browse(vals["company_id"])
        # One registration at a time per customer. Writing the customer's row
        # makes a concurrent request wait, then fail to serialize, and Odoo
        # retries it with a snapshot that sees this registration, so that the
        # daily limit and the duplicate check hold under concurrency.
        self.env.execute_query(
            SQL(
                "UPDATE res_partner SET write_date = write_date WHERE id = %s",
                partner.id,
            )
        )
        registered_today = self.search_count(
            [
                ("partner_id", "=", partner.id),
                ("origin", "=", "portal"),
                (
                    "create_date",
                    ">",
                    fields.Datetime.subtract(self.env.cr.now(), days=1),
                ),
            ]
        )
        if registered_today >= company.followup_portal_registrations_per_day:
            raise UserError(
                self.env._(
                    "You can register %(count)s products a day. Please try again "
                    "tomorrow or contact us.",
                    count=company.followup_portal_registrations_per_day,
                )
            )
        bought = self.env["sale.order.line"].search_count(
            Domain(
                "order_id",
                "any",
                self.env["sale.order"]._followup_confirmed_domain(partner),
            )
            & Domain("product_id", "=", vals["product_id"]),
            limit=1,
        )
        to_confirm = company.followup_confirm_portal_registrations and not bought
        registration = self.create(
            dict(
                vals,
                partner_id=partner.id,
                origin="portal",
                state="to_confirm" if to_confirm else "active",
            )
        )
        if to_confirm:
            registration._schedule_confirmation()
        return registration

    def _confirmation_user(self):
        """Who confirms: the customer's salesperson, else the company's
        fallback follow-up salesperson, else a follow-up manager."""
        self.ensure_one()
        company = self.company_id
        return (
            self.partner_id.user_id
            or company.followup_user_id
            or self.env["res.users"].search(
                [
                    ("share", "=", False),
                    ("company_ids", "in", company.ids),
                    (
                        "all_group_ids",
                        "in",
                        self.env.ref("customer_followup.group_followup_manager").ids,
                    ),
                ],
                order="id",
                limit=1,
            )
        )

    def _schedule_confirmation(self):
        """Ask the registration's confirmation user, in their language."""
        for registration in self:
            user = registration._confirmation_user()
            registration = registration.with_context(lang=user.lang or self.env.lang)
            product = registration.product_id.display_name
            if registration.serial:
                product = f"{product} ({registration.serial})"
            registration.activity_schedule(
                "customer_followup.mail_activity_type_confirm_registration",
                user_id=user.id,
                summary=registration.env._(
                    "Confirm the %(product)s registered by %(customer)s",
                    product=product,
                    customer=registration.partner_id.display_name,
                ),
            )

    def action_confirm_registration(self):
        self.check_access("write")
        self.filtered(lambda r: r.state == "to_confirm").write({"state": "active"})

    def action_retire(self):
        self.check_access("write")
        self.write({"state": "retired"})

    def action_reactivate(self):
        self.check_access("write")
        self.write({"state": "active"})
