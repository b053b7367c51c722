from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .customer_touchpoint_type import POSTAL_CHANNELS
from .value_range import DATE_MAX, DATE_MIN, ValueRange

# The follow-up settings of a customer that are for its salesperson and the
# managers: a salesperson who logs a contact with another salesperson's
# customer does not decide how that customer is followed up.
FOLLOWUP_OWNER_FIELDS = (
    "followup_no_visit",
    "followup_no_call",
    "followup_no_postal",
    "followup_no_replacement_reminder",
    "followup_strategic",
    "followup_tier_id",
    "followup_tier_locked",
)


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = [
        "res.partner",
        "customer.followup.guard",
        "customer.touchpoint.capture",
    ]

    _followup_system_fields = (
        "followup_score",
        "followup_score_id",
        "last_touchpoint_date",
        "last_cadence_contact_date",
        "next_followup_date",
        "followup_deferred_reason",
        "followup_plan_note",
        "followup_control_until",
    )

    # touchpoints, opt-outs and registered products
    touchpoint_ids = fields.One2many(
        "customer.touchpoint", "partner_id", string="Touchpoints"
    )
    # the form's list: the touchpoints the reader may see (a salesperson
    # limited to own documents opening a colleague's customer sees own
    # contacts only, where the one2many would refuse the whole form)
    followup_visible_touchpoint_ids = fields.Many2many(
        "customer.touchpoint",
        string="Contacts",
        compute="_compute_followup_visible_touchpoint_ids",
    )
    touchpoint_count = fields.Integer(compute="_compute_touchpoint_stats")
    followup_points_12m = fields.Float(
        string="Points (12 months)",
        compute="_compute_touchpoint_stats",
        help="Weighted touchpoints of the last twelve months.",
    )
    followup_no_visit = fields.Boolean(
        string="No Visits", help="The customer does not want to be visited."
    )
    followup_no_call = fields.Boolean(
        string="No Calls", help="The customer does not want phone calls."
    )
    followup_no_postal = fields.Boolean(
        string="No Postal Mail",
        help="The customer does not want letters, postcards or printed mail.",
    )
    followup_no_replacement_reminder = fields.Boolean(
        string="Stop Replacement Reminders",
        help="The customer does not want reminders to replace the consumable "
        "parts of the products they own.",
    )
    followup_mourning_date = fields.Date(
        string="Mourning Notice",
        copy=False,
        help="The day the customer's mourning notice (喪中はがき) was received: "
        "the customer gets no New Year greeting that season, and a midwinter "
        "greeting instead.",
    )
    followup_customer_since = fields.Date(
        string="Customer Since",
        compute="_compute_followup_customer_since",
        compute_sudo=True,
        help="The day of the customer's first confirmed order.",
    )
    product_registration_ids = fields.One2many(
        "customer.product.registration", "partner_id", string="Registered Products"
    )
    product_registration_count = fields.Integer(
        compute="_compute_product_registration_count"
    )
    followup_settings_editable = fields.Boolean(
        compute="_compute_followup_settings_editable",
        help="Whether the user may change the follow-up settings of this "
        "customer: its salesperson and the managers may.",
    )

    # tiers and follow-up planning
    followup_score_id = fields.Many2one(
        "customer.followup.score",
        string="Follow-up Score Record",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    followup_score = fields.Float(
        string="Follow-up Score",
        related="followup_score_id.score",
        inverse="_inverse_followup_score",
        readonly=True,
        aggregator="avg",
        help="0-100, from recency, frequency, monetary value and margin of the "
        "confirmed orders of the scoring window, plus the strategic bonus. "
        "Recomputed every day.",
    )
    followup_strategic = fields.Boolean(
        string="Strategic Customer",
        help="Raises the score by the strategic bonus of the settings: a strategic "
        "customer is not decided by sales alone.",
    )
    followup_tier_id = fields.Many2one(
        "customer.tier",
        string="Tier",
        index="btree_not_null",
        ondelete="set null",
        tracking=True,
        copy=False,
    )
    followup_tier_locked = fields.Boolean(
        string="Tier Locked",
        help="Keep the tier set by hand; the daily analysis does not change it.",
    )
    followup_deferred_reason = fields.Char(
        string="Deferred",
        readonly=True,
        copy=False,
        help="Why the planner did not schedule the due follow-up.",
    )
    followup_plan_note = fields.Char(
        string="Planning Note",
        readonly=True,
        copy=False,
        help="How the planner adapted the contact (opt-outs, fallback salesperson).",
    )
    followup_control_until = fields.Date(
        string="Control Group Until",
        readonly=True,
        copy=False,
        help="Drawn into the control group: the planner leaves this customer "
        "uncontacted until this day, to measure what the contacts bring.",
    )

    _followup_mourning_date_range = ValueRange(
        "followup_mourning_date", DATE_MIN, DATE_MAX
    )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "followup_no_visit",
            "followup_no_call",
            "followup_no_postal",
            "followup_no_replacement_reminder",
        ]

    @api.depends("user_id", "commercial_partner_id.user_id")
    @api.depends_context("uid")
    def _compute_followup_settings_editable(self):
        for partner in self:
            partner.followup_settings_editable = partner._followup_acts_for_owner()

    def _followup_acts_for_owner(self):
        """Whether the user acts for this customer's salesperson: is it, or
        the customer has none, or the user sees all customers."""
        self.ensure_one()
        owner = self.commercial_partner_id.user_id
        return (
            owner in (self.env.user, owner.browse())
            or self.env.su
            or self._followup_sees_all_customers()
        )

    def _followup_blocked_reason(self, channel):
        """Why this customer cannot be contacted by ``channel`` (the channel of
        a touchpoint type), translated, or False if it can: the one rule of
        the follow-up planner and of the replacement reminders."""
        self.ensure_one()
        if channel == "visit" and self.followup_no_visit:
            return self.env._("opted out of visits")
        if channel == "call" and self.followup_no_call:
            return self.env._("opted out of calls")
        if channel in POSTAL_CHANNELS and self.followup_no_postal:
            return self.env._("opted out of postal mail")
        if channel == "email":
            if not self.email:
                return self.env._("no email address")
            if self.is_blacklisted:
                return self.env._("email blacklisted")
        return False

    @api.model
    def _followup_refuses_a_channel_sql(self, alias):
        """SQL condition on the partner ``alias``: it refuses a channel by
        ``_followup_blocked_reason`` (an opt-out, no email address, or a
        blacklisted one). The one SQL copy of that rule: keep them together."""
        return SQL(
            """(%(p)s.followup_no_visit OR %(p)s.followup_no_call
                OR %(p)s.followup_no_postal
                OR COALESCE(%(p)s.email, '') = ''
                OR EXISTS (SELECT 1 FROM mail_blacklist bl
                            WHERE bl.active
                              AND bl.email = %(p)s.email_normalized))""",
            p=SQL.identifier(alias),
        )

    @api.model
    def _followup_sees_all_customers(self):
        """Whether the user follows up every customer (the record rules'
        "all customers" groups), or only their own and those without a
        salesperson."""
        user = self.env.user
        return user.has_group(
            "sales_team.group_sale_salesman_all_leads"
        ) or user.has_group("customer_followup.group_followup_manager")

    def _check_followup_owner(self, vals, created=False):
        """Refuse a change of the follow-up settings of customers that belong
        to another salesperson, unless the user sees all customers."""
        written = [name for name in FOLLOWUP_OWNER_FIELDS if name in vals]
        if not written:
            return
        # a contact's settings follow its company's (commercial fields)
        for partner in self.filtered(lambda p: p == p.commercial_partner_id):
            if partner._followup_acts_for_owner():
                continue
            if created:
                changed = any(vals[name] for name in written)
            else:
                changed = any(
                    partner[name]
                    != field.convert_to_record(
                        field.convert_to_cache(vals[name], partner), partner
                    )
                    for name in written
                    for field in [partner._fields[name]]
                )
            if changed:
                raise AccessError(
                    self.env._(
                        "The follow-up settings of %(customer)s are for its "
                        "salesperson, %(salesperson)s, and the sales managers. "
                        "You can still log your contacts with this customer.",
                        customer=partner.display_name,
                        salesperson=partner.user_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        for partner, vals in zip(partners, vals_list, strict=True):
            partner._check_followup_owner(vals, created=True)
        return partners

    def write(self, vals):
        self._check_followup_owner(vals)
        result = super().write(vals)
        if vals.get("followup_mourning_date"):
            # a notice received after the New Year greeting was planned
            self.env["customer.followup.campaign.piece"]._cancel_for_mourning(self)
        return result

    @api.depends_context("uid")
    def _compute_followup_visible_touchpoint_ids(self):
        Touchpoint = self.env["customer.touchpoint"]
        partners = self.filtered("id")
        visible = defaultdict(list)
        for touchpoint in Touchpoint.search_fetch(
            [("partner_id", "in", partners.ids)], ["partner_id"]
        ):
            visible[touchpoint.partner_id.id].append(touchpoint.id)
        for partner in self:
            partner.followup_visible_touchpoint_ids = Touchpoint.browse(
                visible.get(partner._origin.id, [])
            )

    def _compute_touchpoint_stats(self):
        partners = self.filtered("id")
        commercial = partners.commercial_partner_id
        touchpoints = self.env["customer.touchpoint"]
        counts = dict(
            touchpoints._read_group(
                [("partner_id", "in", commercial.ids)], ["partner_id"], ["__count"]
            )
        )
        since = fields.Datetime.now() - relativedelta(months=12)
        points = dict(
            touchpoints._read_group(
                [("partner_id", "in", commercial.ids), ("date", ">=", since)],
                ["partner_id"],
                ["weight:sum"],
            )
        )
        for partner in self:
            key = partner._origin.commercial_partner_id
            partner.touchpoint_count = counts.get(key, 0)
            partner.followup_points_12m = points.get(key, 0.0)

    def _message_post_after_hook(self, message, msg_values):
        res = super()._message_post_after_hook(message, msg_values)
        self._followup_capture_message(message, msg_values)
        return res

    def _followup_capture_customer(self):
        return self.commercial_partner_id

    def _followup_capture_partners(self):
        return self | self.commercial_partner_id

    def _followup_capture_salesperson(self):
        return self.commercial_partner_id.user_id or self.user_id

    def action_view_touchpoints(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.action_customer_touchpoint"
        )
        commercial = self.commercial_partner_id
        action["domain"] = [("partner_id", "=", commercial.id)]
        action["context"] = {
            "default_partner_id": commercial.id,
            "search_default_groupby_type": 0,
        }
        return action

    def action_log_touchpoint(self):
        self.ensure_one()
        self.check_access("read")
        self.env["customer.touchpoint"].check_access("create")
        return self.env["customer.touchpoint"]._action_log_dialog(
            partner=self.commercial_partner_id,
            contact=self if self != self.commercial_partner_id else None,
        )

    def _inverse_followup_score(self):
        """A score written through the ORM (the tier cron writes them in SQL)
        goes to the customer's score record, created when missing."""
        values = {partner: partner.followup_score for partner in self if partner.id}
        scores = self.env["customer.followup.score"].sudo()
        unlinked = self.filtered(
            lambda partner: partner.id and not partner.followup_score_id
        )
        if unlinked:
            # a record may exist without its link (e.g. moved by a merge)
            by_partner = {
                score.partner_id.id: score
                for score in scores.search([("partner_id", "in", unlinked.ids)])
            }
            created = scores.create(
                [
                    {"partner_id": partner.id}
                    for partner in unlinked
                    if partner.id not in by_partner
                ]
            )
            by_partner.update((score.partner_id.id, score) for score in created)
            for partner in unlinked:
                partner.sudo().followup_score_id = by_partner[partner.id]
        for partner, score in values.items():
            partner.sudo().followup_score_id.score = score

    def _compute_followup_customer_since(self):
        partners = self.filtered("id")
        firsts = {}
        for buyer, first in self.env["sale.order"]._read_group(
            self.env["sale.order"]._followup_confirmed_domain(partners),
            ["partner_id"],
            ["date_order:min"],
        ):
            key = buyer.commercial_partner_id.id
            firsts[key] = min(first, firsts.get(key, first))
        for partner in self:
            first = firsts.get(partner._origin.id)
            partner.followup_customer_since = partner.company_id._followup_date(first)

    def _compute_product_registration_count(self):
        partners = self.filtered("id")
        counts = dict(
            self.env["customer.product.registration"]._read_group(
                [
                    ("partner_id", "in", partners.commercial_partner_id.ids),
                    ("state", "in", ("to_confirm", "active")),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.product_registration_count = counts.get(
                partner._origin.commercial_partner_id, 0
            )

    def action_view_product_registrations(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.action_customer_product_registration"
        )
        commercial = self.commercial_partner_id
        action["domain"] = [("partner_id", "=", commercial.id)]
        action["context"] = {
            "default_partner_id": commercial.id,
            "search_default_active_state": 1,
            "search_default_to_confirm": 1,
        }
        return action
