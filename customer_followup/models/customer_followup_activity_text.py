from datetime import datetime

import babel.dates
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools.misc import babel_locale_parse, get_lang, posix_to_ldml


class CustomerFollowupActivityText(models.AbstractModel):
    """The one builder of the texts a salesperson reads on an activity (its
    summary and note) or an opportunity: written in the reader's language and
    timezone, dates in the reader's format. The planner, the reminders and
    their escalation steps, and the campaigns build their texts with it."""

    _name = "customer.followup.activity.text"
    _description = "Follow-up Activity Texts"

    @api.model
    def _for_reader(self, user, company=None):
        """The builder in the language and timezone of ``user``, who reads
        the texts (the shop's timezone when the user has none)."""
        company = company or self.env.company
        return self.with_context(
            lang=user.lang or self.env.lang,
            tz=user.tz or company._followup_tz_name(),
        )

    @api.model
    def _date_formatter(self):
        """A function formatting a date (or a UTC datetime, on the reader's
        day) in the reader's language, each date formatted once."""
        lang = get_lang(self.env)
        locale = babel_locale_parse(lang.code)
        pattern = posix_to_ldml(lang.date_format, locale=locale)
        formatted = {}

        def date_text(value):
            if isinstance(value, datetime):
                value = fields.Datetime.context_timestamp(self, value).date()
            if value not in formatted:
                formatted[value] = babel.dates.format_date(
                    value, format=pattern, locale=locale
                )
            return formatted[value]

        return date_text

    @api.model
    def _order_phrases(self):
        """The phrases of the last-order fact in the context's language,
        translated once for a batch of activities."""
        return {
            "last_order": self.env._("last order %(order)s on %(date)s"),
            "no_order": self.env._("no order yet"),
        }

    @api.model
    def _order_fact(self, order, phrases, date_text):
        """The fact of the customer's last confirmed order, ``order`` a
        (name, UTC datetime) or None (``phrases``: ``_order_phrases``)."""
        if not order:
            return phrases["no_order"]
        return phrases["last_order"] % {"order": order[0], "date": date_text(order[1])}

    @api.model
    def _texts(self, facts=(), summary=None, text=None, body=None):
        """Return (summary, note) of an activity: ``facts`` (translated
        phrases) as a list, then ``text`` as a paragraph, then ``body`` (HTML,
        a message) in a block. The summary, unless given, is the facts in one
        line. Texts typed by users are escaped."""
        if summary is None:
            summary = " · ".join(facts)
        note = Markup()
        if facts:
            note += Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>") % escape(fact) for fact in facts
            )
        if text:
            note += Markup("<p>%s</p>") % text
        if body is not None:
            note += Markup("<div>%s</div>") % body
        return summary, note
