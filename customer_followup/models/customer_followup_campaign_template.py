import datetime

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .customer_followup_campaign import CARD_WRITINGS, OCCASIONS
from .customer_followup_campaign_greeting import GREETINGS
from .value_range import MaxLength, ValueRange


class CustomerFollowupCampaignTemplate(models.Model):
    """A greeting of the Japanese year (New Year cards, midwinter and summer
    greetings, gift seasons) as a ready-made campaign: the day the customers
    receive it and the days the cards may be posted, every year."""

    _name = "customer.followup.campaign.template"
    _inherit = ["customer.followup.guard"]
    _description = "Campaign Template"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Empty: a template of every company.",
    )
    greeting = fields.Selection(GREETINGS)
    occasion = fields.Selection(OCCASIONS, required=True, default="seasonal")
    send_month = fields.Integer(
        required=True,
        help="The month the customers receive the greeting.",
    )
    send_day = fields.Integer(required=True)
    post_start_month = fields.Integer(string="Posting From (Month)", required=True)
    post_start_day = fields.Integer(string="Posting From (Day)", required=True)
    post_end_month = fields.Integer(string="Posting Until (Month)", required=True)
    post_end_day = fields.Integer(string="Posting Until (Day)", required=True)
    preparation_days = fields.Integer(
        string="Preparation (days)",
        required=True,
        default=21,
        help="How many days before the end of the posting window the "
        "salespeople start writing their cards.",
    )
    subject = fields.Char(
        translate=True,
        help="The subject of the emails of the template's campaigns.",
    )
    card_writing = fields.Selection(
        CARD_WRITINGS,
        default="vertical",
        help="How the message side of a Japanese customer's card is written.",
    )
    custom = fields.Char(
        string="Etiquette",
        translate=True,
        help="When and how the greeting is sent, as the custom has it.",
    )
    message = fields.Html(translate=True, sanitize=True)
    campaign_ids = fields.One2many("customer.followup.campaign", "template_id")

    _name_length = MaxLength("name", 128)
    _subject_length = MaxLength("subject", 256)
    _custom_length = MaxLength("custom", 256)
    _sequence_range = ValueRange("sequence", 0, 1000000)
    _send_month_range = ValueRange("send_month", 1, 12)
    _send_day_range = ValueRange("send_day", 1, 31)
    _post_start_month_range = ValueRange("post_start_month", 1, 12)
    _post_start_day_range = ValueRange("post_start_day", 1, 31)
    _post_end_month_range = ValueRange("post_end_month", 1, 12)
    _post_end_day_range = ValueRange("post_end_day", 1, 31)
    _preparation_days_range = ValueRange("preparation_days", 1, 365)

    @api.constrains(
        "send_month",
        "send_day",
        "post_start_month",
        "post_start_day",
        "post_end_month",
        "post_end_day",
    )
    def _check_days(self):
        for template in self:
            try:
                # a leap year: 29 February is a day of the calendar
                template._season_dates(2028)
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "The days of template %(name)s are not days of the calendar.",
                        name=template.name,
                    )
                ) from error
            send, start, end = template._season_dates(2028)
            if not start <= end or (end - start).days > 180:
                raise ValidationError(
                    self.env._(
                        "The posting window of template %(name)s must end after "
                        "it starts, within six months.",
                        name=template.name,
                    )
                )

    def _season_dates(self, year):
        """(send date, first and last posting day) of the greeting received
        in ``year``: a posting window later in the year than the send date
        is the year before's (New Year cards posted in December)."""
        self.ensure_one()
        send = datetime.date(year, self.send_month, self.send_day)
        start = self._posting_day(send, self.post_start_month, self.post_start_day)
        end = self._posting_day(send, self.post_end_month, self.post_end_day)
        return send, start, end

    @staticmethod
    def _posting_day(send, month, day):
        """The posting day ``month``/``day`` nearest to the send date ``send``
        (29 February is the 28th in other years)."""
        candidates = []
        for year in (send.year - 1, send.year):
            try:
                candidates.append(datetime.date(year, month, day))
            except ValueError:
                if (month, day) != (2, 29):
                    raise
                candidates.append(datetime.date(year, 2, 28))
        return min(candidates, key=lambda candidate: abs((candidate - send).days))

    def _next_season(self, after):
        """The dates of the first season whose posting window has not ended
        on ``after`` and whose send date is not past."""
        self.ensure_one()
        for year in range(after.year, after.year + 3):
            try:
                send, start, end = self._season_dates(year)
            except ValueError:
                continue
            if end >= after and send >= after:
                return send, start, end
        raise ValidationError(
            self.env._("Template %(name)s has no coming season.", name=self.name)
        )

    def _campaign_values(self, after):
        """A campaign's values of the season coming after ``after``; the
        contacts per tier are the last campaign's of the template."""
        self.ensure_one()
        send, start, end = self._next_season(after)
        return {
            "name": self.env._("%(name)s %(year)s", name=self.name, year=send.year),
            "template_id": self.id,
            "greeting": self.greeting,
            "occasion": self.occasion,
            "timing": "date",
            "send_date": send,
            "post_date_start": start,
            "post_date_end": end,
            "preparation_days": self.preparation_days,
            "subject": self.subject,
            "card_writing": self.card_writing or "vertical",
            "message": self.message,
        }

    def action_create_campaign(self):
        """The campaign of the coming season, as a draft: the contacts per
        tier and the cheaper contacts of the template's last campaign, or
        handwritten cards for the best tier, printed cards for the others and
        email when no card can be sent."""
        self.ensure_one()
        self.check_access("read")
        campaign_model = self.env["customer.followup.campaign"]
        campaign_model.check_access("create")
        today = self.env.company._followup_today()
        vals = self._campaign_values(today)
        campaign = campaign_model._season_draft(vals["send_date"], template=self)
        if campaign:
            return campaign._form_action()
        last = campaign_model.search(
            [("template_id", "=", self.id), ("state", "!=", "cancelled")],
            order="send_date desc, id desc",
            limit=1,
        )
        if last:
            campaign = last._season_copy(vals)
        else:
            vals.update(self._default_contacts())
            campaign = campaign_model.create(vals)
        self._copy_message_translations(campaign)
        return {
            "type": "ir.actions.act_window",
            "res_model": campaign._name,
            "res_id": campaign.id,
            "view_mode": "form",
        }

    def _copy_message_translations(self, campaign):
        """The customers get the message in their own language: every
        translation of the template's, not only the manager's language."""
        source = self.with_context(lang="en_US").message
        others = {
            lang: self.with_context(lang=lang).message
            for lang, _name in self.env["res.lang"].get_installed()
            if lang != "en_US"
        }
        campaign.with_context(lang="en_US").subject = self.with_context(
            lang="en_US"
        ).subject
        subjects = {
            lang: self.with_context(lang=lang).subject
            for lang in others
            if self.with_context(lang=lang).subject
        }
        if subjects:
            campaign.update_field_translations("subject", subjects)
        campaign.with_context(lang="en_US").message = source
        if not (source and others):
            return
        terms = self._fields["message"].get_translation_dictionary(source, others)
        campaign.update_field_translations(
            "message",
            {
                lang: {term: values[lang] for term, values in terms.items()}
                for lang in others
            },
        )

    def _default_contacts(self):
        ref = self.env.ref
        postcard = ref("customer_followup.touchpoint_type_postcard", False)
        printed = ref("customer_followup.touchpoint_type_printed_mail", False)
        email = ref("customer_followup.touchpoint_type_email", False)
        best = self.env["customer.tier"].search([], order="min_score desc", limit=1)
        lines = []
        if best and postcard:
            lines.append(
                fields.Command.create(
                    {"tier_id": best.id, "touchpoint_type_id": postcard.id}
                )
            )
        if printed:
            lines.append(fields.Command.create({"touchpoint_type_id": printed.id}))
        return {
            "line_ids": lines,
            "fallback_type_ids": [
                fields.Command.set([t.id for t in (printed, email) if t])
            ],
        }
