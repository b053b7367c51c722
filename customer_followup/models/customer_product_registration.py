from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CustomerProductRegistration(models.Model):
    _name = "customer.product.registration"
    _description = "Registered Customer Product"
    _inherit = ["mail.thread"]
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
        required=True, default=fields.Date.context_today, tracking=True
    )
    quantity = fields.Float(default=1.0, digits="Product Unit")
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
        [("active", "Active"), ("retired", "Retired")],
        default="active",
        required=True,
        tracking=True,
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

    _sale_line_unique = models.UniqueIndex(
        "(sale_line_id) WHERE sale_line_id IS NOT NULL",
        "A sale order line registers one product only.",
    )

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

    @api.constrains("quantity")
    def _check_quantity(self):
        if any(registration.quantity <= 0 for registration in self):
            raise ValidationError(
                self.env._("The registered quantity must be greater than zero.")
            )

    @api.constrains("purchase_date")
    def _check_purchase_date(self):
        today = fields.Date.context_today(self)
        if any(r.purchase_date and r.purchase_date > today for r in self):
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
        registrations = super().create(vals_list)
        registrations.filtered(lambda r: r.state == "active")._plan_first_cycles()
        return registrations

    def write(self, vals):
        if vals.get("partner_id"):
            vals = self._normalize_partner(dict(vals))
        reactivated = (
            self.filtered(lambda r: r.state == "retired")
            if vals.get("state") == "active"
            else self.browse()
        )
        res = super().write(vals)
        if vals.get("state") == "retired":
            self.sudo().replacement_ids.filtered(
                lambda c: c.state in ("planned", "reminded")
            ).write({"state": "cancelled"})
        if reactivated:
            reactivated._plan_first_cycles()
        return res

    def _plan_first_cycles(self, rules=None):
        """Create the first open cycle for each active rule of the products,
        unless the registration already has an open cycle for that rule."""
        if not self:
            return self.env["customer.replacement"]
        if rules is None:
            rules = (
                self.env["product.consumable.rule"]
                .sudo()
                .search(
                    [("product_tmpl_id", "in", self.product_id.product_tmpl_id.ids)]
                )
            )
        existing = (
            self.env["customer.replacement"]
            .sudo()
            ._read_group(
                [
                    ("registration_id", "in", self.ids),
                    ("rule_id", "in", rules.ids),
                ],
                ["registration_id", "rule_id"],
                ["cycle:max", "__count"],
            )
        )
        last_cycle = {(reg, rule): cycle for reg, rule, cycle, _count in existing}
        open_pairs = {
            (reg, rule)
            for reg, rule in self.env["customer.replacement"]
            .sudo()
            ._read_group(
                [
                    ("registration_id", "in", self.ids),
                    ("rule_id", "in", rules.ids),
                    ("state", "in", ("planned", "reminded")),
                ],
                ["registration_id", "rule_id"],
            )
        }
        rules_by_template = rules.grouped("product_tmpl_id")
        vals_list = []
        for registration in self:
            for rule in rules_by_template.get(
                registration.product_id.product_tmpl_id, []
            ):
                if rule.company_id and rule.company_id != registration.company_id:
                    continue
                if (registration, rule) in open_pairs:
                    continue
                vals_list.append(
                    rule._cycle_vals(
                        registration,
                        last_cycle.get((registration, rule), 0) + 1,
                        registration.purchase_date,
                    )
                )
        return self.env["customer.replacement"].sudo().create(vals_list)

    def action_retire(self):
        self.write({"state": "retired"})

    def action_reactivate(self):
        self.write({"state": "active"})
