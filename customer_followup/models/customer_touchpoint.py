from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_date

from .value_range import DATE_MAX, DATE_MIN, MaxLength, ValueRange

# the longest summary; the texts the addon writes itself are cut to it
SUMMARY_LENGTH = 256

ORIGINS = [
    ("manual", "Manual"),
    ("activity", "Activity"),
    ("reminder", "Replacement reminder"),
    ("mailing", "Mailing"),
    ("campaign", "Campaign"),
    ("chatter", "Email from the chatter"),
    ("reply", "Customer's reply"),
    ("portal", "Portal signature"),
]
DIRECTIONS = [
    ("outbound", "By us"),
    ("inbound", "By the customer"),
]


class CustomerTouchpoint(models.Model):
    _name = "customer.touchpoint"
    _inherit = ["customer.followup.guard"]
    _description = "Customer Touchpoint"
    _order = "date desc, id desc"
    _rec_names_search = ["partner_id", "summary"]
    _followup_system_fields = ("message_id",)

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('is_company', '=', True)]",
        help="Always the commercial partner (the company, or the individual customer).",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact Person",
        index="btree_not_null",
        ondelete="set null",
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    type_id = fields.Many2one(
        "customer.touchpoint.type",
        required=True,
        ondelete="restrict",
        index=True,
    )
    channel = fields.Selection(related="type_id.channel", store=True, precompute=True)
    weight = fields.Float(
        compute="_compute_weight",
        store=True,
        readonly=False,
        precompute=True,
        help="Copied from the type when logged: changing the type's weight later "
        "does not rewrite history.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        default=lambda self: self.env.user,
        index=True,
    )
    summary = fields.Char()
    feedback = fields.Html(
        help="What the customer said: how the product is used, what should improve."
    )
    sale_order_id = fields.Many2one(
        "sale.order", index="btree_not_null", ondelete="set null"
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Lead/Opportunity",
        index="btree_not_null",
        ondelete="set null",
    )
    activity_id = fields.Many2one(
        "mail.activity",
        ondelete="set null",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )
    campaign_id = fields.Many2one(
        "customer.followup.campaign",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=False,
    )
    message_id = fields.Many2one(
        "mail.message",
        ondelete="set null",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The email or signature message this touchpoint was captured from.",
    )
    origin = fields.Selection(ORIGINS, required=True, default="manual")
    direction = fields.Selection(
        DIRECTIONS,
        required=True,
        default="outbound",
        help="By us: a contact we made (it keeps the tier's cadence when it "
        "weighs enough). By the customer: a reply, an order or a signature "
        "of the customer, shown in the ledger and as last contact.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )

    _summary_length = MaxLength("summary", SUMMARY_LENGTH)
    _weight_range = ValueRange("weight", 0.1, 100.0)
    _date_range = ValueRange("date", DATE_MIN, DATE_MAX)
    _activity_unique = models.UniqueIndex(
        "(activity_id) WHERE activity_id IS NOT NULL",
        "An activity logs one touchpoint only.",
    )
    _campaign_unique = models.UniqueIndex(
        "(campaign_id, partner_id) WHERE campaign_id IS NOT NULL",
        "A campaign logs one touchpoint per customer only.",
    )
    _message_unique = models.UniqueIndex(
        "(message_id) WHERE message_id IS NOT NULL",
        "A message logs one touchpoint only.",
    )
    # the last contact of a customer in one index probe (planner summaries)
    _partner_last_idx = models.Index(
        "(partner_id, date DESC, id DESC) INCLUDE (type_id)"
    )

    @api.depends("type_id")
    def _compute_weight(self):
        for touchpoint in self:
            touchpoint.weight = touchpoint.type_id.weight

    @api.depends("partner_id", "type_id", "date")
    def _compute_display_name(self):
        for touchpoint in self:
            parts = [touchpoint.partner_id.name, touchpoint.type_id.name]
            if touchpoint.date:
                # the shop's day of the contact, not UTC's
                company = touchpoint.company_id or self.env.company
                parts.append(
                    fields.Date.to_string(company._followup_date(touchpoint.date))
                )
            touchpoint.display_name = " - ".join(p for p in parts if p)

    @api.onchange("contact_id")
    def _onchange_contact_id(self):
        if self.contact_id and not self.partner_id:
            self.partner_id = self.contact_id.commercial_partner_id

    @api.constrains("date")
    def _check_date(self):
        now = fields.Datetime.now()
        for touchpoint in self:
            if touchpoint.date and touchpoint.date > now:
                raise ValidationError(
                    self.env._(
                        "A touchpoint cannot be dated in the future "
                        "(%(date)s). Schedule an activity instead.",
                        date=touchpoint.date,
                    )
                )

    @api.model
    def _normalize_partner_vals(self, vals):
        """Keep the commercial partner in ``partner_id`` and the person in
        ``contact_id``, whichever of the two the caller gave."""
        if not vals.get("partner_id"):
            if vals.get("contact_id"):
                contact = self.env["res.partner"].browse(vals["contact_id"])
                vals["partner_id"] = contact.commercial_partner_id.id
            elif "partner_id" in vals or not self:
                raise ValidationError(self.env._("A touchpoint needs a customer."))
            return vals
        partner = self.env["res.partner"].browse(vals["partner_id"])
        commercial = partner.commercial_partner_id
        if commercial != partner:
            vals["partner_id"] = commercial.id
            vals.setdefault("contact_id", partner.id)
        return vals

    def _check_author(self, partner, user_id):
        """A contact in another person's name is logged by the customer's
        salesperson or a manager (the record rules say the same; this says
        it in words)."""
        if not user_id or user_id == self.env.uid or partner._followup_acts_for_owner():
            return
        raise AccessError(
            self.env._(
                "You can log your own contacts with %(customer)s. Contacts in "
                "another person's name are logged by its salesperson, "
                "%(salesperson)s, or a sales manager.",
                customer=partner.display_name,
                salesperson=partner.user_id.name,
            )
        )

    @api.model
    def _shorten_system_summary(self, vals):
        """Summaries the addon writes as superuser (subjects of mails,
        activity summaries) are cut to the limit; users get its message."""
        summary = vals.get("summary")
        if self.env.su and isinstance(summary, str) and len(summary) > SUMMARY_LENGTH:
            vals["summary"] = summary[: SUMMARY_LENGTH - 1] + "\u2026"
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._shorten_system_summary(vals)
            self._normalize_partner_vals(vals)
            self._check_author(
                self.env["res.partner"].browse(vals.get("partner_id")),
                vals.get("user_id", self.env.uid),
            )
        touchpoints = super().create(vals_list)
        touchpoints._close_fulfilled_followups()
        return touchpoints

    def _close_fulfilled_followups(self):
        """A contact that counts, logged without the planned follow-up (a
        visit logged by hand, a card of a campaign), puts the customer on
        track: the planner's open activity is not due any more, and would
        stay overdue for months."""
        logged = self.filtered(lambda touchpoint: not touchpoint.activity_id)
        partners = logged.partner_id.commercial_partner_id
        if not partners:
            return
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", partners.ids),
                    ("followup_planned", "=", True),
                ]
            )
        )
        for activity in activities:
            partner = partners.browse(activity.res_id)
            if partner.followup_status != "on_track":
                continue
            # written for the salesperson who reads it, also when a scheduled
            # action (a reminder, a campaign's card) logged the contact
            company = partner.company_id or self.env.company
            reader = self.env["customer.followup.activity.text"]._for_reader(
                activity.user_id, company
            )
            partner.sudo().message_post(
                body=reader.env._(
                    "Planned follow-up closed: the contact of %(date)s counts, "
                    "the next follow-up is due on %(next)s.",
                    date=format_date(
                        reader.env,
                        company._followup_date(partner.last_cadence_contact_date),
                    ),
                    next=format_date(reader.env, partner.next_followup_date),
                ),
                author_id=self.env.user.partner_id.id,
            )
            activity.unlink()

    def write(self, vals):
        vals = self._shorten_system_summary(dict(vals))
        if "partner_id" in vals or "contact_id" in vals:
            vals = self._normalize_partner_vals(dict(vals))
        if vals.get("user_id"):
            for touchpoint in self:
                touchpoint._check_author(
                    self.env["res.partner"].browse(
                        vals.get("partner_id", touchpoint.partner_id.id)
                    ),
                    vals["user_id"],
                )
        return super().write(vals)

    @api.model
    def _action_log_dialog(self, partner, contact=None, order=None, lead=None):
        """Open the quick "Log touchpoint" dialog with the context filled in."""
        context = {
            "default_partner_id": partner.id,
            "default_origin": "manual",
        }
        if contact:
            context["default_contact_id"] = contact.id
        if order:
            context["default_sale_order_id"] = order.id
        if lead:
            context["default_lead_id"] = lead.id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Touchpoint"),
            "res_model": "customer.touchpoint",
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "customer_followup.customer_touchpoint_view_form_quick"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
            "context": context,
        }
