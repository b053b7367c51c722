from collections import Counter, defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

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
TIMINGS = [
    ("date", "On the send date"),
    ("anniversary", "On each customer's anniversary"),
]
CARD_WRITINGS = [
    ("vertical", "Vertical"),
    ("horizontal", "Horizontal"),
]


class CustomerFollowupCampaign(models.Model):
    """A campaign: one message (seasonal greeting, birthday card, newsletter,
    offer) to chosen customers, each by the contact its tier deserves within
    the year's budget and the salespeople's capacity."""

    _name = "customer.followup.campaign"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "customer.followup.guard",
        "customer.followup.campaign.audience",
        "customer.followup.campaign.allocation",
        "customer.followup.campaign.greeting",
        "customer.followup.campaign.anniversary",
        "customer.followup.campaign.preview",
        "customer.followup.campaign.delivery",
        "customer.followup.campaign.email",
    ]
    _description = "Follow-up Campaign"
    _order = "send_date desc, id desc"

    _followup_system_fields = ("state", "utm_campaign_id")

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
            planned = campaign.sudo()._create_pieces(
                campaign._plan_chunks(today), today
            )
            if not planned:
                raise UserError(
                    self.env._(
                        "Campaign %(name)s has no audience: no customer matches "
                        "its filter and tiers, or every one of them is left out.",
                        name=campaign.name,
                    )
                )
            campaign.sudo().write({"state": "planned"})
            campaign.message_post(
                body=self.env._(
                    "Campaign confirmed: %(count)s pieces planned.", count=planned
                )
            )
        return True

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
            campaign._cancel_emails()
            open_pieces.write({"state": "cancelled"})
            campaign.write({"state": "cancelled"})
        return True

    def action_draft(self):
        self.check_access("write")
        self.filtered(lambda c: c.state == "cancelled").sudo().write({"state": "draft"})
        return True

    def _form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
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
