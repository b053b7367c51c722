import ast
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import format_date

from .customer_followup_campaign_piece import piece_kind
from .customer_followup_plan_line import CapacityBook, PlanAction, PlanLine
from .value_range import DATE_MAX, DATE_MIN, ValueRange

OCCASIONS = [
    ("seasonal", "Seasonal greeting"),
    ("birthday", "Birthday or anniversary"),
    ("newsletter", "Newsletter"),
    ("offer", "Offer or announcement"),
]
CAMPAIGN_STATES = [
    ("draft", "Draft"),
    ("planned", "Planned"),
    ("running", "Running"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
# Rows of a list shown in the preview; the rest is counted.
PREVIEW_ROWS = 50


@dataclass(slots=True)
class CampaignPlanLine:
    """What a campaign plan decides for one customer of its audience: the
    contact (``touchpoint_type``, empty when excluded), who makes it and
    when, and why the customer got a cheaper contact than its tier's or
    none (``reasons``)."""

    partner: object
    tier: object
    wanted: object
    touchpoint_type: object
    user: object
    plan_date: object = False
    reasons: list = field(default_factory=list)

    @property
    def kind(self):
        return piece_kind(self.touchpoint_type.channel)


class CustomerFollowupCampaign(models.Model):
    """A campaign: one message (seasonal greeting, birthday card, newsletter,
    offer) to chosen customers, each by the contact its tier deserves within
    the year's budget and the salespeople's capacity."""

    _name = "customer.followup.campaign"
    _inherit = ["mail.thread", "mail.activity.mixin", "customer.followup.guard"]
    _description = "Follow-up Campaign"
    _order = "send_date desc, id desc"

    _followup_system_fields = ("state", "mailing_id", "utm_campaign_id")

    name = fields.Char(required=True, tracking=True)
    occasion = fields.Selection(
        OCCASIONS, required=True, default="seasonal", tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
    )
    state = fields.Selection(
        CAMPAIGN_STATES,
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    send_date = fields.Date(
        required=True,
        tracking=True,
        help="The day the customers should receive the campaign: emails are "
        "sent then, printed pieces posted for it, and the salespeople write "
        "their cards, letters and calls in the weeks before.",
    )
    preparation_days = fields.Integer(
        string="Preparation (days)",
        required=True,
        default=21,
        help="How many days before the send date the salespeople start writing "
        "their cards and letters, making their calls and visits.",
    )
    partner_domain = fields.Char(
        string="Customers",
        required=True,
        default="[]",
        help="The customers the campaign is for (with the tiers below).",
    )
    tier_ids = fields.Many2many(
        "customer.tier",
        string="Tiers",
        help="Only customers of these tiers. Empty: any tier, and customers "
        "without a tier.",
    )
    message = fields.Html(
        translate=True,
        sanitize=True,
        help="The text of the campaign: the email's body and the printed "
        "piece's message, in each customer's language; the salespeople write "
        "their own words along it.",
    )
    response_days = fields.Integer(
        string="Response Window (days)",
        required=True,
        default=30,
        help="An order of a customer within this many days after the send date "
        "counts as a response to the campaign.",
    )
    offer_product_id = fields.Many2one(
        "product.product",
        string="Offered Product",
        help="The product the campaign offers, if any.",
    )
    line_ids = fields.One2many(
        "customer.followup.campaign.line",
        "campaign_id",
        string="Contact per Tier",
        copy=True,
    )
    fallback_type_ids = fields.Many2many(
        "customer.touchpoint.type",
        string="Cheaper Contacts",
        help="When a customer cannot get the contact of its tier (opted out, "
        "no email, the yearly budget or the salesperson's capacity used up), "
        "the first of these, heaviest first, that is lighter than it.",
    )
    piece_ids = fields.One2many("customer.followup.campaign.piece", "campaign_id")
    piece_count = fields.Integer(compute="_compute_piece_stats")
    done_count = fields.Integer(compute="_compute_piece_stats")
    printed_count = fields.Integer(compute="_compute_piece_stats")
    touchpoint_ids = fields.One2many(
        "customer.touchpoint", "campaign_id", string="Touchpoints"
    )
    mailing_id = fields.Many2one(
        "mailing.mailing",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    mailing_sent = fields.Integer(string="Emails Sent", related="mailing_id.sent")
    mailing_opened = fields.Integer(string="Opened", related="mailing_id.opened")
    mailing_clicked = fields.Integer(string="Clicked", related="mailing_id.clicked")
    mailing_replied = fields.Integer(string="Replied", related="mailing_id.replied")
    mailing_bounced = fields.Integer(string="Bounced", related="mailing_id.bounced")
    utm_campaign_id = fields.Many2one(
        "utm.campaign",
        string="UTM Campaign",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    preview_html = fields.Html(
        string="Preview",
        compute="_compute_preview_html",
        sanitize=False,
        help="What confirming the campaign creates; nothing is created before.",
    )
    color = fields.Integer()

    _send_date_range = ValueRange("send_date", DATE_MIN, DATE_MAX)
    _preparation_days_range = ValueRange("preparation_days", 1, 365)
    _response_days_range = ValueRange("response_days", 0, 3650)
    _color_range = ValueRange("color", 0, 11)

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        today = fields.Date.context_today(self)
        for vals in vals_list:
            send_date = vals.get("send_date")
            if send_date and fields.Date.to_date(send_date) < today:
                raise ValidationError(
                    self.env._(
                        "The send date of a new campaign cannot be in the past "
                        "(%(date)s).",
                        date=format_date(self.env, send_date),
                    )
                )
        return super().create(vals_list)

    @api.constrains("partner_domain")
    def _check_partner_domain(self):
        for campaign in self:
            try:
                campaign._domain()
            except (ValueError, SyntaxError, TypeError) as error:
                raise ValidationError(
                    self.env._(
                        "The customers of campaign %(name)s are not a valid "
                        "filter: %(error)s",
                        name=campaign.name,
                        error=error,
                    )
                ) from error

    @api.ondelete(at_uninstall=False)
    def _unlink_except_under_way(self):
        for campaign in self:
            if campaign.state not in ("draft", "cancelled"):
                raise UserError(
                    self.env._(
                        "Campaign %(name)s is under way: cancel it before deleting it.",
                        name=campaign.name,
                    )
                )

    def _check_confirmable(self):
        """Refuse, in words, what would make a campaign that cannot be carried
        out."""
        today = fields.Date.context_today(self)
        for campaign in self:
            if campaign.state != "draft":
                raise UserError(
                    self.env._(
                        "Campaign %(name)s is already confirmed.", name=campaign.name
                    )
                )
            if campaign.send_date < today:
                raise UserError(
                    self.env._(
                        "The send date of campaign %(name)s (%(date)s) is past: "
                        "choose a day from today on.",
                        name=campaign.name,
                        date=format_date(self.env, campaign.send_date),
                    )
                )
            if not campaign.line_ids:
                raise UserError(
                    self.env._(
                        "Campaign %(name)s has no contact per tier: add a line "
                        "naming the contact of each tier.",
                        name=campaign.name,
                    )
                )
            if not campaign._message_text():
                raise UserError(
                    self.env._(
                        "Campaign %(name)s has no message: write what the "
                        "customers receive and what the salespeople write about.",
                        name=campaign.name,
                    )
                )

    def _message_text(self):
        return (self.message and Markup(self.message).striptags().strip()) or ""

    # ------------------------------------------------------------------
    # Audience
    # ------------------------------------------------------------------

    def _domain(self):
        domain = ast.literal_eval(self.partner_domain or "[]")
        if not isinstance(domain, list):
            raise ValueError(self.partner_domain)
        return Domain(domain)

    def _audience_domain(self):
        """The campaign's customers: its filter and tiers, customers (not
        their contact people, not the companies' own or the users' partners)
        of its company or shared, archived ones included (to say why they
        are left out)."""
        self.ensure_one()
        companies = self.env["res.company"].sudo().search([])
        domain = self._domain() & Domain(
            [
                "|",
                ("is_company", "=", True),
                ("parent_id", "=", False),
                ("company_id", "in", [self.company_id.id, False]),
                ("id", "not in", companies.partner_id.ids),
            ]
        )
        # the users' own partners, not the portal customers
        domain &= ~Domain("user_ids.share", "=", False)
        if self.tier_ids:
            domain &= Domain("followup_tier_id", "in", self.tier_ids.ids)
        return domain

    def _audience(self):
        """The customers of the audience, those who matter most first (tier,
        strategic flag, score)."""
        partners = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search(self._audience_domain())
        )
        partners.fetch(
            [
                "active",
                "followup_tier_id",
                "followup_strategic",
                "followup_score",
                "user_id",
                "email",
                "is_blacklisted",
                "followup_no_visit",
                "followup_no_call",
                "followup_no_postal",
            ]
        )
        return partners.sorted(
            lambda partner: (
                -(
                    partner.followup_tier_id.min_score
                    if partner.followup_tier_id
                    else -1
                ),
                not partner.followup_strategic,
                -partner.followup_score,
                partner.id,
            )
        )

    # ------------------------------------------------------------------
    # Budget
    # ------------------------------------------------------------------

    def _year_bounds(self):
        start = fields.Date.start_of(self.send_date, "year")
        return start, fields.Date.end_of(self.send_date, "year")

    def _budget_used(self, touchpoint_types):
        """Contacts of ``touchpoint_types`` counted against their yearly
        budget in the year of the send date: the pieces of the company's
        other campaigns sent that year, planned or done, and the planner's
        follow-ups of its salespeople planned that year."""
        self.ensure_one()
        first, last = self._year_bounds()
        used = Counter()
        if not touchpoint_types:
            return used
        pieces = (
            self.env["customer.followup.campaign.piece"]
            .sudo()
            ._read_group(
                [
                    ("touchpoint_type_id", "in", touchpoint_types.ids),
                    ("company_id", "=", self.company_id.id),
                    ("campaign_id", "!=", self._origin.id),
                    ("state", "in", ("planned", "done")),
                    # a campaign's pieces count in the year of its send date
                    # (New Year cards written in December count next year)
                    ("campaign_id.send_date", ">=", first),
                    ("campaign_id.send_date", "<=", last),
                ],
                ["touchpoint_type_id"],
                ["__count"],
            )
        )
        for touchpoint_type, count in pieces:
            used[touchpoint_type.id] += count
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [
                    ("followup_planned", "=", True),
                    ("followup_touchpoint_type_id", "in", touchpoint_types.ids),
                    ("user_id.company_id", "=", self.company_id.id),
                    ("followup_plan_date", ">=", first),
                    ("followup_plan_date", "<=", last),
                ],
                ["followup_touchpoint_type_id"],
                ["__count"],
            )
        )
        for touchpoint_type, count in activities:
            used[touchpoint_type.id] += count
        return used

    # ------------------------------------------------------------------
    # Plan
    # ------------------------------------------------------------------

    def _contact_chain(self, wanted):
        """The contact of a tier, then the cheaper contacts (not heavier than
        it), heaviest first."""
        cheaper = self.fallback_type_ids.filtered(
            lambda t: t != wanted and t.weight <= wanted.weight
        ).sorted(lambda t: (-t.weight, t.sequence, t.id))
        return wanted | cheaper

    def _window(self, today):
        """The days the salespeople make their pieces: the preparation days
        before the send date, never before today."""
        end = max(today, self.send_date - timedelta(days=1))
        start = max(today, self.send_date - timedelta(days=self.preparation_days))
        return min(start, end), end

    def _plan(self, today=None):
        """Decide the contact of each customer of the audience (nothing is
        written). Returns (plan lines, budget used before the campaign by
        type id)."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        planner = self.env["customer.followup.planner"]
        types = self.line_ids.touchpoint_type_id | self.fallback_type_ids
        budgets = {t.id: t.yearly_budget for t in types if t.yearly_budget}
        used_before = self._budget_used(types.filtered("yearly_budget"))
        used = Counter(used_before)
        line_by_tier = {line.tier_id.id: line for line in self.line_ids}
        default_line = line_by_tier.get(False)
        window_start, window_end = self._window(today)
        book = CapacityBook()
        company = self.company_id
        lines = []
        for partner in self._audience():
            tier = partner.followup_tier_id
            line = line_by_tier.get(tier.id) or default_line
            plan_line = CampaignPlanLine(
                partner=partner,
                tier=tier,
                wanted=line.touchpoint_type_id if line else types.browse(),
                touchpoint_type=types.browse(),
                user=self.env["res.users"],
            )
            lines.append(plan_line)
            if not partner.active:
                plan_line.reasons.append(self.env._("archived customer"))
                continue
            if not line:
                plan_line.reasons.append(
                    self.env._(
                        "no contact for tier %(tier)s in the campaign",
                        tier=tier.display_name or self.env._("(none)"),
                    )
                )
                continue
            for candidate in self._contact_chain(line.touchpoint_type_id):
                reason = self._assign(
                    plan_line,
                    candidate,
                    budgets,
                    used,
                    book,
                    (today, window_start, window_end),
                    planner,
                    company,
                )
                if not reason:
                    break
                if reason not in plan_line.reasons:
                    plan_line.reasons.append(reason)
        return lines, used_before

    def _assign(
        self, plan_line, candidate, budgets, used, book, window, planner, company
    ):
        """Give ``candidate`` to the customer of ``plan_line`` if it can get
        it; return why not otherwise (translated)."""
        partner = plan_line.partner
        blocked = partner._followup_blocked_reason(candidate.channel)
        if blocked:
            return blocked
        if candidate.id in budgets and used[candidate.id] >= budgets[candidate.id]:
            return self.env._(
                "the yearly budget of %(type)s (%(budget)s) is used up",
                type=candidate.name,
                budget=budgets[candidate.id],
            )
        user = self.env["res.users"]
        plan_date = self.send_date
        if piece_kind(candidate.channel) == "personal":
            user = (
                partner.user_id if partner.user_id.active else company.followup_user_id
            )
            if not user:
                return self.env._("no salesperson for %(type)s", type=candidate.name)
            today, window_start, window_end = window
            schedule_line = PlanLine(
                partner=partner,
                user=user,
                touchpoint_type=candidate,
                deadline=window_start,
                plan_date=window_start,
            )
            planner._load_capacity_book(book, [schedule_line], today, window_end)
            planner._schedule(schedule_line, company, today, window_end, book)
            if schedule_line.action != PlanAction.CREATE:
                return self.env._(
                    "the capacity of %(user)s for %(type)s (%(capacity)s a month) "
                    "is used up before %(date)s",
                    user=user.name,
                    type=candidate.name,
                    capacity=candidate.capacity_per_user_month,
                    date=format_date(self.env, self.send_date),
                )
            plan_date = schedule_line.plan_date
        if candidate.id in budgets:
            used[candidate.id] += 1
        plan_line.touchpoint_type = candidate
        plan_line.user = user
        plan_line.plan_date = plan_date
        return False

    # ------------------------------------------------------------------
    # Preview
    # ------------------------------------------------------------------

    @api.depends(
        "state",
        "send_date",
        "preparation_days",
        "partner_domain",
        "tier_ids",
        "company_id",
        "line_ids.tier_id",
        "line_ids.touchpoint_type_id",
        "fallback_type_ids",
    )
    def _compute_preview_html(self):
        for campaign in self:
            if campaign.state != "draft" or not campaign.send_date:
                campaign.preview_html = False
                continue
            try:
                campaign._domain()
            except (ValueError, SyntaxError, TypeError):
                campaign.preview_html = False
                continue
            lines, used_before = campaign._plan()
            campaign.preview_html = campaign._preview(lines, used_before)

    @staticmethod
    def _html_table(headers, rows, numeric_from=1):
        def cell(tag, value, index):
            align = ' class="text-end"' if index >= numeric_from else ""
            return Markup("<%s%s>%s</%s>") % (
                Markup(tag),
                Markup(align),
                value,
                Markup(tag),
            )

        head = Markup("").join(cell("th", h, i) for i, h in enumerate(headers))
        body = Markup("").join(
            Markup("<tr>%s</tr>")
            % Markup("").join(cell("td", value, i) for i, value in enumerate(row))
            for row in rows
        )
        return Markup(
            '<table class="table table-sm o_followup_campaign_preview">'
            "<thead><tr>%s</tr></thead><tbody>%s</tbody></table>"
        ) % (head, body)

    def _preview(self, lines, used_before):
        """The preview of the plan ``lines``: pieces per contact and tier,
        the salespeople's pieces per week, the yearly budgets before and
        after, the customers moved to a cheaper contact or left out, and why."""
        html = Markup("")
        planned = [line for line in lines if line.touchpoint_type]
        excluded = [line for line in lines if not line.touchpoint_type]
        moved = [line for line in planned if line.touchpoint_type != line.wanted]
        html += Markup("<p>%s</p>") % self.env._(
            "%(customers)s customers: %(pieces)s pieces planned, %(moved)s moved "
            "to a cheaper contact, %(excluded)s left out.",
            customers=len(lines),
            pieces=len(planned),
            moved=len(moved),
            excluded=len(excluded),
        )
        # pieces per contact and tier
        tiers = sorted(
            {line.tier for line in planned},
            key=lambda tier: (-(tier.min_score if tier else -1), tier.id or 0),
        )
        counts = Counter((line.touchpoint_type, line.tier) for line in planned)
        types = sorted(
            {line.touchpoint_type for line in planned},
            key=lambda t: (-t.weight, t.sequence, t.id),
        )
        html += Markup("<h4>%s</h4>") % self.env._("Pieces per contact and tier")
        html += self._html_table(
            [self.env._("Contact")]
            + [tier.code or self.env._("No tier") for tier in tiers]
            + [self.env._("Total")],
            [
                [touchpoint_type.name]
                + [counts[(touchpoint_type, tier)] for tier in tiers]
                + [sum(counts[(touchpoint_type, tier)] for tier in tiers)]
                for touchpoint_type in types
            ],
        )
        # the salespeople's pieces per week
        personal = [line for line in planned if line.kind == "personal"]
        if personal:
            weeks = sorted(
                {
                    line.plan_date - timedelta(days=line.plan_date.weekday())
                    for line in personal
                }
            )
            per_week = Counter(
                (line.user, line.plan_date - timedelta(days=line.plan_date.weekday()))
                for line in personal
            )
            users = sorted({line.user for line in personal}, key=lambda u: u.name)
            html += Markup("<h4>%s</h4>") % self.env._("Salespeople's pieces per week")
            html += self._html_table(
                [self.env._("Salesperson")]
                + [
                    self.env._("Week of %(date)s", date=format_date(self.env, week))
                    for week in weeks
                ]
                + [self.env._("Total")],
                [
                    [user.name]
                    + [per_week[(user, week)] for week in weeks]
                    + [sum(per_week[(user, week)] for week in weeks)]
                    for user in users
                ],
            )
        # yearly budgets
        budget_types = (
            self.line_ids.touchpoint_type_id | self.fallback_type_ids
        ).filtered("yearly_budget")
        if budget_types:
            this = Counter(line.touchpoint_type.id for line in planned)
            html += Markup("<h4>%s</h4>") % self.env._(
                "Yearly budgets %(year)s", year=self.send_date.year
            )
            html += self._html_table(
                [
                    self.env._("Contact"),
                    self.env._("Budget"),
                    self.env._("Used before"),
                    self.env._("This campaign"),
                    self.env._("Used after"),
                ],
                [
                    [
                        t.name,
                        t.yearly_budget,
                        used_before[t.id],
                        this[t.id],
                        used_before[t.id] + this[t.id],
                    ]
                    for t in budget_types.sorted(lambda t: (-t.weight, t.sequence))
                ],
            )
        for title, rows in (
            (self.env._("Moved to a cheaper contact"), moved),
            (self.env._("Left out"), excluded),
        ):
            if not rows:
                continue
            html += Markup("<h4>%s (%s)</h4>") % (title, len(rows))
            html += self._html_table(
                [
                    self.env._("Customer"),
                    self.env._("Tier"),
                    self.env._("Contact of the tier"),
                    self.env._("Planned"),
                    self.env._("Why"),
                ],
                [
                    [
                        line.partner.display_name,
                        line.tier.code or "",
                        line.wanted.name or "",
                        line.touchpoint_type.name or "",
                        "; ".join(line.reasons),
                    ]
                    for line in rows[:PREVIEW_ROWS]
                ],
                numeric_from=99,
            )
            if len(rows) > PREVIEW_ROWS:
                html += Markup("<p>%s</p>") % self.env._(
                    "… and %(count)s more.", count=len(rows) - PREVIEW_ROWS
                )
        return html

    # ------------------------------------------------------------------
    # Counters
    # ------------------------------------------------------------------

    @api.depends("piece_ids.state", "piece_ids.kind")
    def _compute_piece_stats(self):
        groups = (
            self.env["customer.followup.campaign.piece"]
            .sudo()
            ._read_group(
                [("campaign_id", "in", self.ids)],
                ["campaign_id", "state", "kind"],
                ["__count"],
            )
        )
        stats = defaultdict(Counter)
        for campaign, state, kind, count in groups:
            stats[campaign.id]["all"] += count
            stats[campaign.id][state] += count
            if kind == "printed" and state != "cancelled":
                stats[campaign.id]["printed"] += count
        for campaign in self:
            counter = stats[campaign._origin.id]
            campaign.piece_count = counter["all"]
            campaign.done_count = counter["done"]
            campaign.printed_count = counter["printed"]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_confirm(self):
        """Create what the preview shows: the salespeople's activities, the
        pieces of the printable batch and the scheduled mailing."""
        self.check_access("write")
        self._check_confirmable()
        today = fields.Date.context_today(self)
        for campaign in self:
            lines, _used = campaign._plan(today)
            planned = [line for line in lines if line.touchpoint_type]
            if not planned:
                raise UserError(
                    self.env._(
                        "Campaign %(name)s has no audience: no customer matches "
                        "its filter and tiers, or every one of them is left out.",
                        name=campaign.name,
                    )
                )
            campaign.sudo()._create_pieces(planned, today)
            campaign.sudo().write({"state": "planned"})
            campaign.message_post(
                body=self.env._(
                    "Campaign confirmed: %(count)s pieces planned.", count=len(planned)
                )
            )
        return True

    def _create_pieces(self, lines, today):
        pieces = self.env["customer.followup.campaign.piece"].create(
            [
                {
                    "campaign_id": self.id,
                    "partner_id": line.partner.id,
                    "tier_id": line.tier.id,
                    "touchpoint_type_id": line.touchpoint_type.id,
                    "kind": line.kind,
                    "user_id": line.user.id,
                    "plan_date": line.plan_date,
                    "note": "; ".join(line.reasons) or False,
                }
                for line in lines
            ]
        )
        personal = pieces.filtered(lambda piece: piece.kind == "personal")
        if personal:
            self._create_activities(personal, today)
        emails = pieces.filtered(lambda piece: piece.kind == "email")
        if emails:
            self._create_mailing(emails)
        return pieces

    def _activity_note(self, piece, data, products, phrases):
        parts = [phrases["campaign"] % {"name": self.name}]
        order = data.get("order")
        if order:
            parts.append(
                phrases["last_order"]
                % {"order": order[0], "date": format_date(self.env, order[1])}
            )
        else:
            parts.append(phrases["no_order"])
        if products:
            parts.append(phrases["products"] % {"products": ", ".join(products)})
        if piece.note:
            parts.append(piece.note)
        note = Markup("<ul>%s</ul>") % Markup("").join(
            Markup("<li>%s</li>") % escape(part) for part in parts
        )
        return note + Markup("<div>%s</div>") % (self.message or "")

    def _create_activities(self, pieces, today):
        """One activity per personal piece for its salesperson, in their
        language, saying what to write about."""
        planner = self.env["customer.followup.planner"]
        data = planner._summary_data(pieces.partner_id.ids)
        products = defaultdict(list)
        for registration in (
            self.env["customer.product.registration"]
            .sudo()
            .search([("partner_id", "in", pieces.partner_id.ids)])
        ):
            products[registration.partner_id.id].append(
                registration.product_id.display_name
            )
        model_id = self.env["ir.model"]._get_id("res.partner")
        todo = self.env.ref("mail.mail_activity_data_todo")
        vals_list = []
        for piece in pieces:
            campaign = self.with_context(lang=piece.user_id.lang or self.env.lang)
            phrases = {
                "campaign": campaign.env._("Campaign %(name)s"),
                "last_order": campaign.env._("last order %(order)s on %(date)s"),
                "no_order": campaign.env._("no order yet"),
                "products": campaign.env._("owns %(products)s"),
                "summary": campaign.env._("%(campaign)s: %(contact)s"),
            }
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": piece.partner_id.id,
                    "activity_type_id": (
                        piece.touchpoint_type_id.activity_type_id or todo
                    ).id,
                    "user_id": piece.user_id.id,
                    "date_deadline": piece.plan_date,
                    "summary": phrases["summary"]
                    % {
                        "campaign": campaign.name,
                        "contact": piece.touchpoint_type_id.with_context(
                            lang=campaign.env.lang
                        ).name,
                    },
                    "note": campaign._activity_note(
                        piece,
                        data.get(piece.partner_id.id, {}),
                        products[piece.partner_id.id],
                        phrases,
                    ),
                }
            )
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        for piece, activity in zip(pieces, activities, strict=True):
            piece.activity_id = activity

    def _create_mailing(self, pieces):
        """The campaign's mailing in Email Marketing, with its own UTM
        campaign, scheduled at the send date on the email recipients."""
        utm_campaign = self.utm_campaign_id or self.env["utm.campaign"].create(
            {"title": self.name, "user_id": self.user_id.id or self.env.uid}
        )
        schedule = max(
            datetime.combine(self.send_date, time(hour=0)),
            fields.Datetime.now(),
        )
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": self.name,
                "body_arch": self.message,
                "body_html": self.message,
                "mailing_type": "mail",
                "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
                "mailing_domain": repr([("id", "in", pieces.partner_id.ids)]),
                "campaign_id": utm_campaign.id,
                "medium_id": self.env.ref("utm.utm_medium_email").id,
                "user_id": (self.user_id or self.env.user).id,
                "schedule_type": "scheduled",
                "schedule_date": schedule,
            }
        )
        mailing.action_put_in_queue()
        self.write({"mailing_id": mailing.id, "utm_campaign_id": utm_campaign.id})

    def action_cancel(self):
        """Cancel the campaign: its open activities and its scheduled mailing
        are removed; what was done stays logged."""
        self.check_access("write")
        for campaign in self:
            if campaign.state in ("done", "cancelled"):
                raise UserError(
                    self.env._(
                        "Campaign %(name)s is %(state)s: it cannot be cancelled.",
                        name=campaign.name,
                        state=dict(
                            campaign._fields["state"]._description_selection(self.env)
                        )[campaign.state],
                    )
                )
            campaign = campaign.sudo()
            open_pieces = campaign.piece_ids.filtered(lambda p: p.state == "planned")
            open_pieces.activity_id.unlink()
            mailing = campaign.mailing_id
            if mailing and mailing.state in ("draft", "in_queue"):
                mailing.unlink()
            open_pieces.write({"state": "cancelled"})
            campaign.write({"state": "cancelled"})
        return True

    def action_draft(self):
        self.check_access("write")
        self.filtered(lambda c: c.state == "cancelled").sudo().write({"state": "draft"})
        return True

    def action_mark_posted(self):
        """The printed batch is posted: log its pieces."""
        self.check_access("write")
        pieces = self.sudo().piece_ids.filtered(
            lambda p: p.kind == "printed" and p.state == "planned"
        )
        if not pieces:
            raise UserError(self.env._("No printed piece of the campaign is waiting."))
        self.env["customer.followup.campaign.piece"]._log_done(
            pieces, user=self.env.user
        )
        return True

    def action_print_batch(self):
        self.ensure_one()
        pieces = self.piece_ids.filtered(
            lambda p: p.kind == "printed" and p.state != "cancelled"
        )
        if not pieces:
            raise UserError(self.env._("The campaign has no printed piece."))
        return self.env.ref(
            "customer_followup.action_report_campaign_batch"
        ).report_action(pieces)

    def action_plan_next_year(self):
        """The same campaign a year later (the New Year greeting of next
        year), as a draft to check and confirm."""
        self.ensure_one()
        self.check_access("write")
        send_date = fields.Date.add(self.send_date, years=1)
        today = fields.Date.context_today(self)
        while send_date < today:
            send_date = fields.Date.add(send_date, years=1)
        campaign = self.copy(
            {
                "send_date": send_date,
                "name": self.env._(
                    "%(name)s (%(year)s)", name=self.name, year=send_date.year
                ),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": campaign.id,
            "view_mode": "form",
        }

    def action_view_mailing(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "res_id": self.mailing_id.id,
            "view_mode": "form",
        }

    def action_view_response(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.action_customer_followup_campaign_report"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        return action

    def action_view_pieces(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.action_customer_followup_campaign_piece"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"search_default_group_kind": 1}
        return action

    def _update_progress(self):
        """A planned campaign runs from its first piece done and is done when
        no piece is waiting any more."""
        for campaign in self.sudo():
            if campaign.state not in ("planned", "running"):
                continue
            states = set(campaign.piece_ids.mapped("state"))
            if "planned" not in states:
                campaign.state = "done"
            elif "done" in states:
                campaign.state = "running"
