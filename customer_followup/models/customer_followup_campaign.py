import ast
import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, format_date

from .customer_followup_campaign_piece import piece_kind
from .customer_followup_plan_line import CapacityBook, PlanAction, PlanLine
from .shop_day import shop_date_sql
from .value_range import DATE_MAX, DATE_MIN, MaxLength, ValueRange

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
TIMINGS = [
    ("date", "On the send date"),
    ("anniversary", "On each customer's anniversary"),
]
# The Japanese greeting year (DOMAIN.md section 5).
GREETINGS = [
    ("new_year", "New Year greeting"),
    ("midwinter", "Midwinter greeting"),
    ("summer", "Summer greeting"),
    ("late_summer", "Late-summer greeting"),
    ("summer_gift", "Summer gift season"),
    ("year_end_gift", "Year-end gift season"),
]
CARD_WRITINGS = [
    ("vertical", "Vertical"),
    ("horizontal", "Horizontal"),
]
# The customer's date offered for anniversaries besides res.partner's own
# Date fields: the first confirmed order.
CUSTOMER_SINCE = "followup_customer_since"
# Dates of res.partner that are no anniversary.
NOT_ANNIVERSARIES = ("next_followup_date", "followup_mourning_date")
# Customers planned at once by the anniversary cron.
ANNIVERSARY_BATCH = 500
# Sent emails logged at once by the campaign cron.
EMAIL_BATCH = 10000
CAMPAIGN_CRON = "customer_followup.ir_cron_campaigns"


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
        # the kanban's columns in the order of the workflow, not alphabetical
        group_expand=True,
    )
    send_date = fields.Date(
        required=True,
        tracking=True,
        help="The day the customers should receive the campaign: emails are "
        "sent then, printed pieces posted for it, and the salespeople write "
        "their cards, letters and calls in the weeks before. For anniversaries: "
        "the first day of the year of anniversaries the campaign covers.",
    )
    send_hour = fields.Float(
        required=True,
        default=9.0,
        tracking=True,
        help="The hour of the send date, in the shop's timezone, at which the "
        "emails leave.",
    )
    timing = fields.Selection(
        TIMINGS,
        string="When",
        required=True,
        default="date",
        tracking=True,
        help="On the send date: every customer at once. On each customer's "
        "anniversary: the campaign runs for a year from the send date and "
        "plans, each day, the pieces of the customers whose anniversary comes.",
    )
    anniversary_field = fields.Selection(
        selection="_selection_anniversary_field",
        string="Anniversary",
        help="The date of the customer whose anniversary the campaign "
        "celebrates: a Date field of the contacts (such as the birth date of "
        "partner_contact_birthdate when installed) or the day of the first "
        "confirmed order.",
    )
    anniversary_days_before = fields.Integer(
        string="Days Ahead",
        default=14,
        help="The pieces of a customer are planned this many days before its "
        "anniversary: the salesperson writes the card in those days, and the "
        "email is sent on the day.",
    )
    greeting = fields.Selection(
        GREETINGS,
        help="The greeting of the Japanese calendar this campaign is: a "
        "customer who sent a mourning notice gets no New Year greeting that "
        "season.",
    )
    template_id = fields.Many2one(
        "customer.followup.campaign.template",
        ondelete="set null",
        copy=True,
    )
    post_date_start = fields.Date(
        string="Posting From",
        help="Printed and handwritten pieces are posted from this day (New Year "
        "cards from 15 December).",
    )
    post_date_end = fields.Date(
        string="Posting Until",
        help="The last day to post printed and handwritten pieces: the "
        "salespeople's cards and letters are due by then.",
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
    card_writing = fields.Selection(
        CARD_WRITINGS,
        default="vertical",
        help="How the message side of a Japanese customer's card is written: "
        "vertically, as the custom has it, or horizontally. Cards in other "
        "languages are horizontal.",
    )
    subject = fields.Char(
        translate=True,
        help="The subject of the campaign's emails, in each customer's "
        "language (the campaign's name is for the shop only).",
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
    # the sums over the campaign's mailings (one a day for anniversaries)
    mailing_sent = fields.Integer(
        string="Emails Sent", compute="_compute_mailing_stats"
    )
    mailing_opened = fields.Integer(string="Opened", compute="_compute_mailing_stats")
    mailing_clicked = fields.Integer(string="Clicked", compute="_compute_mailing_stats")
    mailing_replied = fields.Integer(string="Replied", compute="_compute_mailing_stats")
    mailing_bounced = fields.Integer(string="Bounced", compute="_compute_mailing_stats")
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

    _name_length = MaxLength("name", 128)
    _subject_length = MaxLength("subject", 256)
    _partner_domain_length = MaxLength("partner_domain", 10000)
    _send_date_range = ValueRange("send_date", DATE_MIN, DATE_MAX)
    _send_hour_range = ValueRange("send_hour", 0.0, 23.99)
    _post_date_start_range = ValueRange("post_date_start", DATE_MIN, DATE_MAX)
    _post_date_end_range = ValueRange("post_date_end", DATE_MIN, DATE_MAX)
    _anniversary_days_before_range = ValueRange("anniversary_days_before", 0, 365)
    _preparation_days_range = ValueRange("preparation_days", 1, 365)
    _response_days_range = ValueRange("response_days", 0, 3650)
    _color_range = ValueRange("color", 0, 11)

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # who may not create campaigns learns that first, not their dates
        self.check_access("create")
        today = self.env.company._followup_today()
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

    @api.model
    def _selection_anniversary_field(self):
        """The Date fields of the contacts (a birth date of another module
        included, when installed) and the day of the first confirmed order."""
        partner_fields = self.env["res.partner"]._fields
        choices = [
            (name, field._description_string(self.env))
            for name, field in partner_fields.items()
            if field.type == "date"
            and (field.store or name == CUSTOMER_SINCE)
            and name not in NOT_ANNIVERSARIES
        ]
        return sorted(choices, key=lambda choice: choice[1])

    @api.constrains("post_date_start", "post_date_end")
    def _check_posting_window(self):
        for campaign in self:
            start, end = campaign.post_date_start, campaign.post_date_end
            if start and end and start > end:
                raise ValidationError(
                    self.env._(
                        "The posting window of campaign %(name)s ends before it "
                        "starts.",
                        name=campaign.name,
                    )
                )

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
        today = self.env.company._followup_today()
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
            if campaign.timing == "anniversary" and (
                campaign.anniversary_field
                not in dict(campaign._selection_anniversary_field())
            ):
                raise UserError(
                    self.env._(
                        "Campaign %(name)s is for anniversaries: choose the date "
                        "of the customers it celebrates.",
                        name=campaign.name,
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

    def _audience(self, partners=None):
        """The customers of the audience (among ``partners`` if given), those
        who matter most first (tier, strategic flag, score)."""
        domain = self._audience_domain()
        if partners is not None:
            domain &= Domain("id", "in", partners.ids)
        partner_model = self.env["res.partner"].with_context(active_test=False)
        self.env.flush_all()
        # ordered in the database: sorting 100,000 records in Python costs
        # seconds
        ordered_ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
                    SELECT partner.id
                      FROM res_partner partner
                 LEFT JOIN customer_tier tier
                        ON tier.id = partner.followup_tier_id
                 LEFT JOIN customer_followup_score score
                        ON score.id = partner.followup_score_id
                     WHERE partner.id IN (%s)
                  ORDER BY COALESCE(tier.min_score, -1) DESC,
                           partner.followup_strategic IS NOT TRUE,
                           COALESCE(score.score, 0) DESC,
                           partner.id
                    """,
                    partner_model._search(domain).subselect(),
                )
            )
        ]
        partners = partner_model.browse(ordered_ids)
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
                "followup_mourning_date",
            ]
        )
        return partners

    # ------------------------------------------------------------------
    # Budget
    # ------------------------------------------------------------------

    def _budget_used(self, touchpoint_types, send_date=None):
        """Contacts of ``touchpoint_types`` counted against their yearly
        budget in the year of the send date, this campaign's plan left out
        (the ledger's)."""
        self.ensure_one()
        send_date = send_date or self.send_date
        return self.env["customer.followup.ledger"]._budget_used(
            self.company_id, touchpoint_types, send_date.year, campaign=self._origin
        )

    # ------------------------------------------------------------------
    # Plan
    # ------------------------------------------------------------------

    def _contact_chain(self, wanted):
        """The contact of a tier, then the cheaper contacts (not heavier than
        it), heaviest first."""
        return self.env["customer.followup.policy"]._chain(
            wanted, self.fallback_type_ids
        )

    def _window(self, today, send_date=None):
        """The days the salespeople make their pieces: the preparation days
        before the send date, or before the end of the posting window (a
        card is due by the last day it may be posted), never before today."""
        last = (
            self.post_date_end
            if self.post_date_end and self.timing == "date"
            else (send_date or self.send_date) - timedelta(days=1)
        )
        end = max(today, last)
        start = max(today, last - timedelta(days=self.preparation_days - 1))
        return min(start, end), end

    def _printed_date(self, today, send_date):
        """The day the printed batch is posted: the first day of the posting
        window, or the send date."""
        if self.post_date_start and self.timing == "date":
            return max(today, self.post_date_start)
        return send_date

    def _mourning_reason(self, partner, send_date):
        """Why a customer gets no New Year greeting: a mourning notice of the
        season (received in the year before the send date)."""
        mourning = partner.followup_mourning_date
        if (
            self.greeting == "new_year"
            and mourning
            and fields.Date.add(send_date, years=-1) < mourning <= send_date
        ):
            return self.env._(
                "mourning notice received on %(date)s: a midwinter greeting instead",
                date=format_date(self.env, mourning),
            )
        return False

    def _plan(self, today=None, partners=None, send_date=None):
        """Decide the contact of each customer of the audience, or of
        ``partners`` (their anniversary on ``send_date``); nothing is
        written. Returns (plan lines, budget used before the campaign by type
        id)."""
        self.ensure_one()
        today = today or self.env.company._followup_today()
        send_date = send_date or self.send_date
        planner = self.env["customer.followup.planner"]
        types = self.line_ids.touchpoint_type_id | self.fallback_type_ids
        budgets = {t.id: t.yearly_budget for t in types if t.yearly_budget}
        used_before = self._budget_used(types.filtered("yearly_budget"), send_date)
        used = Counter(used_before)
        line_by_tier = {line.tier_id.id: line for line in self.line_ids}
        default_line = line_by_tier.get(False)
        window_start, window_end = self._window(today, send_date)
        book = CapacityBook()
        company = self.company_id
        lines = []
        audience = self._audience(partners)
        chains = {}
        capacity_date = format_date(self.env, window_end + timedelta(days=1))
        # the preview of an anniversary campaign: its customers with a date
        dated = None
        if self.timing == "anniversary" and partners is None:
            dated = self._anniversary_dates()
            date_label = dict(
                self._fields["anniversary_field"]._description_selection(self.env)
            ).get(self.anniversary_field) or self.env._("anniversary")
        for partner in audience:
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
            mourning = self._mourning_reason(partner, send_date)
            if mourning:
                plan_line.reasons.append(mourning)
                continue
            if dated is not None and partner.id not in dated:
                plan_line.reasons.append(
                    self.env._("no date for %(date)s", date=date_label)
                )
                continue
            if not line:
                plan_line.reasons.append(
                    self.env._(
                        "no contact for tier %(tier)s in the campaign",
                        tier=tier.display_name or self.env._("(none)"),
                    )
                )
                continue
            wanted = line.touchpoint_type_id
            if wanted.id not in chains:
                chains[wanted.id] = list(self._contact_chain(wanted))
            for candidate in chains[wanted.id]:
                reason = self._assign(
                    plan_line,
                    candidate,
                    budgets,
                    used,
                    book,
                    (today, window_start, window_end, send_date, capacity_date),
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
        blocked = self.env["customer.followup.policy"]._blocked_reason(
            partner, candidate
        )
        if blocked:
            return blocked
        if candidate.id in budgets and used[candidate.id] >= budgets[candidate.id]:
            return self.env._(
                "the yearly budget of %(type)s (%(budget)s) is used up",
                type=candidate.name,
                budget=budgets[candidate.id],
            )
        user = self.env["res.users"]
        today, window_start, window_end, send_date, capacity_date = window
        plan_date = send_date
        if piece_kind(candidate.channel) == "printed":
            plan_date = self._printed_date(today, send_date)
        if piece_kind(candidate.channel) == "personal":
            user = (
                partner.user_id if partner.user_id.active else company.followup_user_id
            )
            if not user:
                return self.env._("no salesperson for %(type)s", type=candidate.name)
            schedule_line = PlanLine(
                partner=partner,
                user=user,
                touchpoint_type=candidate,
                deadline=window_start,
                plan_date=window_start,
            )
            planner._load_capacity_book(book, [schedule_line], today, window_end)
            reason = self._schedule_personal(schedule_line, window, planner, book)
            if reason:
                return reason
            plan_date = schedule_line.plan_date
        if candidate.id in budgets:
            used[candidate.id] += 1
        plan_line.touchpoint_type = candidate
        plan_line.user = user
        plan_line.plan_date = plan_date
        return False

    def _schedule_personal(self, line, window, planner, book):
        """Give the salesperson's piece of ``line`` its day within the
        preparation days; return why it cannot have one (translated)."""
        today, _start, window_end, _send_date, capacity_date = window
        planner._schedule(line, self.company_id, today, window_end, book)
        if line.action == PlanAction.CREATE:
            return False
        return self.env._(
            "the capacity of %(user)s for %(type)s (%(capacity)s a month) "
            "is used up before %(date)s",
            user=line.user.name,
            type=line.touchpoint_type.name,
            capacity=line.touchpoint_type.capacity_per_user_month,
            date=capacity_date,
        )

    # ------------------------------------------------------------------
    # Preview
    # ------------------------------------------------------------------

    @api.depends(
        "state",
        "send_date",
        "timing",
        "anniversary_field",
        "greeting",
        "post_date_start",
        "post_date_end",
        "preparation_days",
        "partner_domain",
        "tier_ids",
        "category_ids",
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
        if self.timing == "anniversary":
            html += Markup("<p>%s</p>") % self.env._(
                "Anniversaries from %(start)s to %(end)s: each customer's piece "
                "is planned %(days)s days before its anniversary. The figures "
                "below count the whole year.",
                start=format_date(self.env, self.send_date),
                end=format_date(self.env, self._anniversary_end()),
                days=self.anniversary_days_before,
            )
        elif self.post_date_start and self.post_date_end:
            html += Markup("<p>%s</p>") % self.env._(
                "Printed and handwritten pieces are posted from %(start)s to %(end)s.",
                start=format_date(self.env, self.post_date_start),
                end=format_date(self.env, self.post_date_end),
            )
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
        # the mailings: one per language of the recipients
        email_langs = Counter(
            line.partner.lang or self.env.lang or "en_US"
            for line in planned
            if line.kind == "email"
        )
        if email_langs:
            lang_names = dict(self.env["res.lang"].get_installed())
            html += Markup("<p>%s</p>") % self.env._(
                "Emails: one mailing per language, %(languages)s.",
                languages=", ".join(
                    f"{lang_names.get(lang, lang)} ({count})"
                    for lang, count in sorted(email_langs.items())
                ),
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
            # the names of the rows shown only, not of the whole audience
            shown = self.env["res.partner"].browse(
                [line.partner.id for line in rows[:PREVIEW_ROWS]]
            )
            names = dict(zip(shown.ids, shown.mapped("display_name"), strict=True))
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
                        names[line.partner.id],
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
        today = self.env.company._followup_today()
        for campaign in self:
            if campaign.timing == "anniversary":
                campaign._confirm_anniversaries(today)
                continue
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

    def _create_pieces(self, lines, today, send_date=None):
        send_date = send_date or self.send_date
        pieces = self._insert_pieces(lines, send_date)
        personal = pieces.filtered(lambda piece: piece.kind == "personal")
        if personal:
            self._create_activities(personal, today)
        emails = pieces.filtered(lambda piece: piece.kind == "email")
        if emails:
            self._create_mailing(emails, send_date)
        return pieces

    def _insert_pieces(self, lines, send_date):
        """The pieces of the plan ``lines``, inserted in one statement (a
        campaign to 100,000 customers)."""
        piece_model = self.env["customer.followup.campaign.piece"]
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO customer_followup_campaign_piece (
                    campaign_id, company_id, partner_id, tier_id,
                    touchpoint_type_id, kind, user_id, plan_date, send_date,
                    state, note, create_uid, create_date, write_uid, write_date)
                SELECT %(campaign)s, %(company)s, line.partner_id,
                       NULLIF(line.tier_id, 0), line.type_id, line.kind,
                       NULLIF(line.user_id, 0), line.plan_date, %(send_date)s,
                       'planned', NULLIF(line.note, ''), %(uid)s,
                       NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM unnest(%(partners)s::int[], %(tiers)s::int[],
                              %(types)s::int[], %(kinds)s::varchar[],
                              %(users)s::int[], %(dates)s::date[],
                              %(notes)s::varchar[])
                       AS line(partner_id, tier_id, type_id, kind, user_id,
                               plan_date, note)
             RETURNING id, partner_id
                """,
                campaign=self.id,
                company=self.company_id.id,
                send_date=send_date,
                uid=self.env.uid,
                partners=[line.partner.id for line in lines],
                tiers=[line.tier.id or 0 for line in lines],
                types=[line.touchpoint_type.id for line in lines],
                kinds=[line.kind for line in lines],
                users=[line.user.id or 0 for line in lines],
                dates=[line.plan_date for line in lines],
                notes=["; ".join(line.reasons) for line in lines],
            )
        )
        piece_ids = dict((partner_id, piece_id) for piece_id, partner_id in rows)
        self.invalidate_recordset(["piece_ids"])
        return piece_model.browse([piece_ids[line.partner.id] for line in lines])

    def _activity_note(self, piece, data, products, phrases):
        parts = [phrases["campaign"] % {"name": self._label()}]
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
        if phrases.get("posting"):
            parts.append(phrases["posting"])
        note = Markup("<ul>%s</ul>") % Markup("").join(
            Markup("<li>%s</li>") % escape(part) for part in parts
        )
        # the message the customer reads: in the customer's language
        message = self.with_context(lang=piece.partner_id.lang or self.env.lang).message
        return note + Markup("<div>%s</div>") % (message or "")

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
        # the activities' document names, at once rather than one by one
        self.env["res.partner"].browse(pieces.partner_id.ids).mapped("display_name")
        vals_list = []
        for piece in pieces:
            # written for the salesperson who reads it: their language and
            # timezone
            campaign = self.with_context(
                lang=piece.user_id.lang or self.env.lang,
                tz=piece.user_id.tz or self.company_id._followup_tz_name(),
            )
            phrases = {
                "campaign": campaign.env._("Campaign %(name)s"),
                "last_order": campaign.env._("last order %(order)s on %(date)s"),
                "no_order": campaign.env._("no order yet"),
                "products": campaign.env._("owns %(products)s"),
                "summary": campaign.env._("%(campaign)s: %(contact)s"),
                "posting": campaign._posting_phrase(),
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
                        "campaign": campaign._label(),
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

    def _label(self):
        """The campaign as its salespeople read it, in the language of
        ``self``'s context: a template's campaign by the template's name and
        the year (年賀状 2027), else by its name."""
        template = self.template_id.with_context(lang=self.env.lang)
        if template and self.send_date:
            return self.env._(
                "%(name)s %(year)s", name=template.name, year=self.send_date.year
            )
        return self.name

    def _email_subject(self):
        """The emails' subject in the language of ``self``'s context: the
        campaign's, else its template's, else the name of its greeting or
        occasion; never the campaign's internal name."""
        if self.subject:
            return self.subject
        template = self.template_id.with_context(lang=self.env.lang)
        if template.subject:
            return template.subject
        if self.greeting:
            return dict(self._fields["greeting"]._description_selection(self.env))[
                self.greeting
            ]
        return dict(self._fields["occasion"]._description_selection(self.env))[
            self.occasion
        ]

    def _create_mailing(self, pieces, send_date=None):
        """The campaign's mailings in Email Marketing, one per language of the
        recipients (its subject and message in that language), all of the
        campaign's UTM campaign, scheduled at the send date (an anniversary
        campaign has mailings each day)."""
        utm_campaign = self._utm_campaign()
        schedule = max(
            self.company_id._followup_moment(
                send_date or self.send_date, self.send_hour
            ),
            fields.Datetime.now(),
        )
        default_lang = self.env.lang or "en_US"
        by_lang = defaultdict(list)
        for piece in pieces:
            by_lang[piece.partner_id.lang or default_lang].append(piece.id)
        piece_model = self.env["customer.followup.campaign.piece"]
        main = None
        for lang, piece_ids in sorted(by_lang.items()):
            campaign = self.with_context(lang=lang)
            lang_pieces = piece_model.browse(piece_ids)
            message = campaign.message
            mailing = self.env["mailing.mailing"].create(
                {
                    "subject": campaign._email_subject(),
                    "body_arch": message,
                    "body_html": message,
                    "mailing_type": "mail",
                    "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "mailing_domain": repr([("id", "in", lang_pieces.partner_id.ids)]),
                    "campaign_id": utm_campaign.id,
                    "medium_id": self.env.ref("utm.utm_medium_email").id,
                    "user_id": (self.user_id or self.env.user).id,
                    "schedule_type": "scheduled",
                    "schedule_date": schedule,
                }
            )
            mailing.action_put_in_queue()
            lang_pieces.write({"mailing_id": mailing.id})
            if main is None or len(piece_ids) > main[0]:
                main = (len(piece_ids), mailing)
        self.write({"mailing_id": main[1].id})

    def _utm_campaign(self):
        if not self.utm_campaign_id:
            self.utm_campaign_id = self.env["utm.campaign"].create(
                {"title": self.name, "user_id": self.user_id.id or self.env.uid}
            )
        return self.utm_campaign_id

    def _mailings(self):
        """The mailings of the campaign (one a day for anniversaries)."""
        self.ensure_one()
        groups = (
            self.env["customer.followup.campaign.piece"]
            .sudo()
            ._read_group(
                [("campaign_id", "=", self._origin.id), ("mailing_id", "!=", False)],
                ["mailing_id"],
            )
        )
        mailings = self.env["mailing.mailing"].sudo()
        return mailings.union(*(group[0] for group in groups)) | self.sudo().mailing_id

    @api.depends("mailing_id")
    def _compute_mailing_stats(self):
        for campaign in self:
            mailings = campaign._mailings() if campaign._origin.id else []
            campaign.mailing_sent = sum(m.sent for m in mailings)
            campaign.mailing_opened = sum(m.opened for m in mailings)
            campaign.mailing_clicked = sum(m.clicked for m in mailings)
            campaign.mailing_replied = sum(m.replied for m in mailings)
            campaign.mailing_bounced = sum(m.bounced for m in mailings)

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
            campaign._mailings().filtered(
                lambda mailing: mailing.state in ("draft", "in_queue")
            ).unlink()
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
        pieces -= pieces._cancel_refused()
        if pieces:
            self.env["customer.followup.campaign.piece"]._log_done(
                pieces, user=self.env.user
            )
        return True

    def action_print_batch(self):
        self.ensure_one()
        self.check_access("read")
        pieces = self.piece_ids.filtered(
            lambda p: p.kind == "printed" and p.state != "cancelled"
        )
        pieces -= pieces.sudo()._cancel_refused()
        if not pieces:
            raise UserError(self.env._("The campaign has no printed piece."))
        # config=False: the cards do not use the company's document layout,
        # a company without one gets the PDF, not the layout wizard
        return self.env.ref(
            "customer_followup.action_report_campaign_batch"
        ).report_action(pieces, config=False)

    def action_print_cards_to_write(self):
        """The salespeople's postcards, printed with the design and the
        address, a space left for each salesperson's own line."""
        self.ensure_one()
        self.check_access("read")
        pieces = self.piece_ids.filtered(
            lambda p: (
                p.kind == "personal"
                and p.state == "planned"
                and p.touchpoint_type_id.channel == "postcard"
            )
        )
        if not pieces:
            raise UserError(
                self.env._("No handwritten card of the campaign is waiting.")
            )
        # config=False: the cards do not use the company's document layout,
        # a company without one gets the PDF, not the layout wizard
        return self.env.ref(
            "customer_followup.action_report_campaign_batch"
        ).report_action(pieces, config=False)

    def action_plan_next_year(self):
        """The same campaign a year later (the New Year greeting of next
        year), as a draft to check and confirm."""
        self.ensure_one()
        self.check_access("write")
        years = 1
        today = self.env.company._followup_today()
        while fields.Date.add(self.send_date, years=years) < today:
            years += 1
        send_date = fields.Date.add(self.send_date, years=years)
        campaign = self._season_draft(send_date)
        if campaign:
            return campaign._form_action()
        campaign = self._season_copy(
            {
                "send_date": send_date,
                # the posting window moves with the send date
                "post_date_start": self.post_date_start
                and fields.Date.add(self.post_date_start, years=years),
                "post_date_end": self.post_date_end
                and fields.Date.add(self.post_date_end, years=years),
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

    def _form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
        }

    def action_view_mailing(self):
        self.ensure_one()
        self.check_access("read")
        mailings = self._mailings()
        if len(mailings) > 1:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Mailings"),
                "res_model": "mailing.mailing",
                "domain": [("id", "in", mailings.ids)],
                "view_mode": "list,form",
            }
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "res_id": self.mailing_id.id,
            "view_mode": "form",
        }

    def action_view_response(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.action_customer_followup_campaign_report"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        return action

    def action_view_pieces(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.action_customer_followup_campaign_piece"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"search_default_group_kind": 1}
        return action

    def _update_progress(self):
        """A planned campaign runs from its first piece done and is done when
        no piece is waiting any more (an anniversary campaign: and its year
        is over)."""
        today = self.env.company._followup_today()
        campaigns = self.sudo().filtered(lambda c: c.state in ("planned", "running"))
        if not campaigns:
            return
        # the states of the pieces of each campaign, not the pieces
        piece_states = defaultdict(set)
        for campaign, state in (
            self.env["customer.followup.campaign.piece"]
            .sudo()
            ._read_group(
                [("campaign_id", "in", campaigns.ids)], ["campaign_id", "state"]
            )
        ):
            piece_states[campaign.id].add(state)
        for campaign in campaigns:
            states = piece_states[campaign.id]
            year_over = (
                campaign.timing != "anniversary" or campaign._anniversary_end() < today
            )
            if "planned" not in states and year_over:
                campaign.state = "done"
            elif "done" in states:
                campaign.state = "running"

    # ------------------------------------------------------------------
    # Anniversaries
    # ------------------------------------------------------------------

    def _anniversary_end(self):
        """An anniversary campaign covers the anniversaries of one year from
        its send date."""
        return fields.Date.add(self.send_date, years=1, days=-1)

    def _anniversary_dates(self, month_days=None):
        """{customer id: its date} for the active customers of the audience
        with the campaign's date set and no piece yet, only those whose month
        and day are in ``month_days`` (month * 100 + day) if given."""
        self.ensure_one()
        fname = self.anniversary_field
        if not fname or fname not in self.env["res.partner"]._fields:
            return {}
        self.env.flush_all()
        audience = (
            self.env["res.partner"]
            .with_context(active_test=False)
            ._search(self._audience_domain() & Domain("active", "=", True))
        )
        if fname == CUSTOMER_SINCE:
            source = SQL(
                """
                SELECT buyer.commercial_partner_id AS partner_id,
                       MIN(%(day)s) AS day
                  FROM sale_order sale
                  JOIN res_partner buyer ON buyer.id = sale.partner_id
                  JOIN res_company shop ON shop.id = sale.company_id
                 WHERE sale.state = 'sale'
                   AND buyer.commercial_partner_id IN (%(audience)s)
              GROUP BY buyer.commercial_partner_id
                """,
                day=shop_date_sql(SQL("sale.date_order"), SQL("shop.followup_tz")),
                audience=audience.subselect(),
            )
        else:
            source = SQL(
                """
                SELECT partner.id AS partner_id, partner.%s AS day
                  FROM res_partner partner
                 WHERE partner.%s IS NOT NULL AND partner.id IN (%s)
                """,
                SQL.identifier(fname),
                SQL.identifier(fname),
                audience.subselect(),
            )
        month_day = SQL("TRUE")
        if month_days is not None:
            month_day = SQL(
                "(EXTRACT(MONTH FROM source.day) * 100"
                " + EXTRACT(DAY FROM source.day))::int = ANY(%s)",
                sorted(month_days),
            )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT source.partner_id, source.day
                  FROM (%s) source
                 WHERE %s
                   AND NOT EXISTS (
                        SELECT 1 FROM customer_followup_campaign_piece piece
                         WHERE piece.campaign_id = %s
                           AND piece.partner_id = source.partner_id)
                """,
                source,
                month_day,
                self._origin.id or 0,
            )
        )
        return dict(rows)

    def _anniversaries_due(self, first, last):
        """{customer id: the day of its anniversary} for the anniversaries
        from ``first`` to ``last`` without a piece yet (29 February is
        celebrated on the 28th in other years; nobody on the day of the date
        itself)."""
        days = {}
        day = first
        while day <= last:
            days[day.month * 100 + day.day] = day
            if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
                days[229] = day
            day += timedelta(days=1)
        due = {}
        for partner_id, date in self._anniversary_dates(days).items():
            anniversary = days[date.month * 100 + date.day]
            if date.year < anniversary.year:
                due[partner_id] = anniversary
        return due

    def _confirm_anniversaries(self, today):
        """Confirm an anniversary campaign: it runs for its year, and the
        pieces of the anniversaries coming within its days ahead are planned
        at once."""
        if not self._anniversary_dates():
            raise UserError(
                self.env._(
                    "Campaign %(name)s has no audience: no customer of its "
                    "filter and tiers has a date for its anniversary.",
                    name=self.name,
                )
            )
        campaign = self.sudo()
        campaign.write({"state": "planned"})
        campaign._run_anniversaries(today)
        self.message_post(
            body=self.env._(
                "Campaign confirmed: each customer's piece is planned %(days)s "
                "days before its anniversary, until %(date)s.",
                days=self.anniversary_days_before,
                date=format_date(self.env, self._anniversary_end()),
            )
        )

    def _run_anniversaries(self, today, batch_size=ANNIVERSARY_BATCH, cron=False):
        """Plan the pieces of the customers whose anniversary comes within
        the days ahead (from today on, so that a day the cron missed is
        caught up), in batches. The campaign is locked for each batch: a
        second worker leaves it alone, and a customer with a piece is not
        planned again. Returns False when the cron's time is used up."""
        self.ensure_one()
        first = max(today, self.send_date)
        last = min(
            today + timedelta(days=self.anniversary_days_before),
            self._anniversary_end(),
        )
        seen = set()
        partners = self.env["res.partner"].with_context(active_test=False)
        while first <= last:
            if not self.try_lock_for_update():
                return True
            self.invalidate_recordset(["state"])
            if self.state not in ("planned", "running"):
                return True
            due = {
                partner_id: day
                for partner_id, day in self._anniversaries_due(first, last).items()
                if partner_id not in seen
            }
            if not due:
                break
            batch = sorted(due, key=lambda partner_id: (due[partner_id], partner_id))
            batch = batch[:batch_size]
            seen.update(batch)
            by_day = defaultdict(list)
            for partner_id in batch:
                by_day[due[partner_id]].append(partner_id)
            for day, partner_ids in sorted(by_day.items()):
                lines, _used = self._plan(
                    today, partners=partners.browse(partner_ids), send_date=day
                )
                planned = [line for line in lines if line.touchpoint_type]
                if planned:
                    self._create_pieces(planned, today, day)
            if cron and not self.env["ir.cron"]._commit_progress(
                len(batch), remaining=len(due) - len(batch)
            ):
                return False
        self._update_progress()
        return True

    @api.model
    def _cron_run_campaigns(self):
        """Log the emails the campaigns' mailings sent; then, each day, plan
        the pieces of the anniversaries coming within each running
        anniversary campaign's days ahead."""
        today = self.env.company._followup_today()
        cron = bool(self.env.context.get("ir_cron_progress_id"))
        if not self._log_sent_emails(cron=cron):
            return
        campaigns = self.sudo().search(
            [("timing", "=", "anniversary"), ("state", "in", ("planned", "running"))],
            order="id",
        )
        for campaign in campaigns:
            if not campaign._run_anniversaries(today, cron=cron):
                return

    # ------------------------------------------------------------------
    # Mourning
    # ------------------------------------------------------------------

    def _mourning_domain(self):
        """The customers who sent a mourning notice in the year before the
        send date."""
        first = fields.Date.add(self.send_date, years=-1)
        return Domain(
            [
                ("followup_mourning_date", ">", fields.Date.to_string(first)),
                (
                    "followup_mourning_date",
                    "<=",
                    fields.Date.to_string(self.send_date),
                ),
            ]
        )

    def action_plan_midwinter(self):
        """The midwinter greeting for the customers of this New Year greeting
        who sent a mourning notice, as a draft to check and confirm."""
        self.ensure_one()
        self.check_access("write")
        template = self.env["customer.followup.campaign.template"].search(
            [("greeting", "=", "midwinter")], limit=1
        )
        today = self.env.company._followup_today()
        vals = {
            "greeting": "midwinter",
            "timing": "date",
            "partner_domain": repr(list(self._domain() & self._mourning_domain())),
        }
        if template:
            vals.update(template._campaign_values(max(today, self.send_date)))
            vals["name"] = self.env._("%(name)s: mourning notices", name=vals["name"])
        else:
            vals.update(
                {
                    "name": self.env._("%(name)s: midwinter greeting", name=self.name),
                    "send_date": max(today, self.send_date + timedelta(days=7)),
                    "post_date_start": False,
                    "post_date_end": False,
                }
            )
        campaign = self.copy(vals)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": campaign.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Emails sent
    # ------------------------------------------------------------------

    @api.model
    def _trigger_campaign_cron(self, mailings):
        """Wake the campaign cron up in a minute to log the emails of
        ``mailings`` that belong to campaigns, unless it is woken up
        already."""
        has_pieces = (
            self.env["customer.followup.campaign.piece"]
            .sudo()
            .search_count(
                [
                    "|",
                    ("mailing_id", "in", mailings.ids),
                    ("campaign_id.mailing_id", "in", mailings.ids),
                    ("state", "=", "planned"),
                ],
                limit=1,
            )
        )
        cron = self.env.ref(CAMPAIGN_CRON, raise_if_not_found=False)
        if not has_pieces or not cron:
            return
        now = fields.Datetime.now()
        pending = (
            self.env["ir.cron.trigger"]
            .sudo()
            .search_count([("cron_id", "=", cron.id), ("call_at", ">=", now)], limit=1)
        )
        if not pending:
            cron.sudo()._trigger(now + timedelta(minutes=1))

    @api.model
    def _log_sent_emails(self, batch_size=EMAIL_BATCH, cron=False):
        """Log the campaigns' emails that their mailing sent, one touchpoint
        each, set-based, in batches; the pieces another worker holds are
        left to it. Returns False when the cron's time is used up."""
        piece_model = self.env["customer.followup.campaign.piece"].sudo()
        self.env.flush_all()
        # the waiting emails per mailing (the pieces of campaigns confirmed
        # before the pieces knew their mailing: the campaign's), then the sent
        # traces of each mailing: two index scans each, whatever the
        # database's statistics of the traces just written
        waiting = self.env.execute_query(
            SQL(
                """
                SELECT COALESCE(piece.mailing_id, campaign.mailing_id),
                       array_agg(piece.id), array_agg(piece.partner_id)
                  FROM customer_followup_campaign_piece piece
                  JOIN customer_followup_campaign campaign
                    ON campaign.id = piece.campaign_id
                 WHERE piece.state = 'planned' AND piece.kind = 'email'
                   AND COALESCE(piece.mailing_id, campaign.mailing_id) IS NOT NULL
              GROUP BY 1
                """
            )
        )
        piece_ids = []
        for mailing_id, ids, partner_ids in waiting:
            sent = {
                row[0]
                for row in self.env.execute_query(
                    SQL(
                        """
                        SELECT res_id FROM mailing_trace
                         WHERE mass_mailing_id = %s AND model = 'res.partner'
                           AND trace_status IN ('sent', 'open', 'reply')
                        """,
                        mailing_id,
                    )
                )
            }
            piece_ids += [
                piece_id
                for piece_id, partner_id in zip(ids, partner_ids, strict=True)
                if partner_id in sent
            ]
        piece_ids.sort()
        for start in range(0, len(piece_ids), batch_size):
            batch = piece_ids[start : start + batch_size]
            piece_model._log_done(piece_model.browse(batch))
            remaining = max(0, len(piece_ids) - start - len(batch))
            if cron and not self.env["ir.cron"]._commit_progress(
                len(batch), remaining=remaining
            ):
                return False
        return True
