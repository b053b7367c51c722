from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import format_date

# Rows of a list shown in the preview; the rest is counted.
PREVIEW_ROWS = 50


def _monday(day):
    return day - timedelta(days=day.weekday())


@dataclass
class PreviewTally:
    """The plan's lines counted as the preview shows them, a chunk at a
    time (``_plan_chunks``: a campaign to a million customers is not held in
    memory), with the first lines of the customers moved to a cheaper
    contact or left out."""

    customers: int = 0
    per_type_tier: Counter = field(default_factory=Counter)  # (type, tier id)
    tiers: dict = field(default_factory=dict)
    types: dict = field(default_factory=dict)
    email_langs: Counter = field(default_factory=Counter)
    per_user_week: Counter = field(default_factory=Counter)  # (user id, Monday)
    users: dict = field(default_factory=dict)
    moved: list = field(default_factory=list)
    moved_count: int = 0
    excluded: list = field(default_factory=list)
    excluded_count: int = 0

    def add(self, lines):
        self.customers += len(lines)
        for line in lines:
            contact = line.touchpoint_type
            if not contact:
                self.excluded_count += 1
                if len(self.excluded) < PREVIEW_ROWS:
                    self.excluded.append(line)
                continue
            self.per_type_tier[contact.id, line.tier.id] += 1
            self.tiers.setdefault(line.tier.id, line.tier)
            self.types.setdefault(contact.id, contact)
            if contact != line.wanted:
                self.moved_count += 1
                if len(self.moved) < PREVIEW_ROWS:
                    self.moved.append(line)
            if line.kind == "email":
                self.email_langs[line.partner.lang] += 1
            elif line.kind == "personal":
                self.per_user_week[line.user.id, _monday(line.plan_date)] += 1
                self.users.setdefault(line.user.id, line.user)


class CustomerFollowupCampaignPreview(models.AbstractModel):
    """What confirming a draft campaign would create, shown before anything
    is created: its plan counted per contact, tier, salesperson's week and
    yearly budget, and the customers moved or left out with the reason."""

    _name = "customer.followup.campaign.preview"
    _description = "Follow-up Campaign Preview"

    preview_html = fields.Html(
        string="Preview",
        compute="_compute_preview_html",
        sanitize=False,
        help="What confirming the campaign creates; nothing is created before.",
    )

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
            used_before = Counter()
            tally = PreviewTally()
            for lines in campaign._plan_chunks(used_before=used_before):
                tally.add(lines)
            campaign.preview_html = campaign._preview(tally, used_before)

    @api.readonly
    def onchange(self, values, field_names, fields_spec):
        # the preview is recomputed at every change of the campaign's form:
        # on the read replica (an onchange computes a new record in memory)
        return super().onchange(values, field_names, fields_spec)

    def _preview(self, tally, used_before):
        """The preview of the plan counted in ``tally`` (the budget used
        before the campaign by type id ``used_before``), rendered by its
        template."""
        return self.env["ir.qweb"]._render(
            "customer_followup.campaign_preview",
            self._preview_values(tally, used_before),
        )

    def _preview_values(self, tally, used_before):
        return {
            "intro": self._preview_intro(),
            "summary": self.env._(
                "%(customers)s customers: %(pieces)s pieces planned, %(moved)s "
                "moved to a cheaper contact, %(excluded)s left out.",
                customers=tally.customers,
                pieces=sum(tally.per_type_tier.values()),
                moved=tally.moved_count,
                excluded=tally.excluded_count,
            ),
            "per_tier": self._preview_per_tier(tally),
            "email_languages": self._preview_email_languages(tally),
            "per_week": self._preview_per_week(tally),
            "budgets": self._preview_budgets(tally, used_before),
            "moved": self._preview_customers(tally.moved, tally.moved_count),
            "excluded": self._preview_customers(tally.excluded, tally.excluded_count),
        }

    def _preview_intro(self):
        if self.timing == "anniversary":
            return self.env._(
                "Anniversaries from %(start)s to %(end)s: each customer's piece "
                "is planned %(days)s days before its anniversary. The figures "
                "below count the whole year.",
                start=format_date(self.env, self.send_date),
                end=format_date(self.env, self._anniversary_end()),
                days=self.anniversary_days_before,
            )
        if self.post_date_start and self.post_date_end:
            return self.env._(
                "Printed and handwritten pieces are posted from %(start)s to %(end)s.",
                start=format_date(self.env, self.post_date_start),
                end=format_date(self.env, self.post_date_end),
            )
        return False

    def _preview_per_tier(self, tally):
        """Pieces per contact (heaviest first) and tier (best first)."""
        tiers = sorted(
            tally.tiers.values(),
            key=lambda tier: (-(tier.min_score if tier else -1), tier.id or 0),
        )
        types = sorted(
            tally.types.values(), key=lambda t: (-t.weight, t.sequence, t.id)
        )
        counts = tally.per_type_tier
        return {
            "columns": [tier.code or self.env._("No tier") for tier in tiers],
            "rows": [
                (
                    touchpoint_type.name,
                    [counts[(touchpoint_type.id, tier.id)] for tier in tiers],
                    sum(counts[(touchpoint_type.id, tier.id)] for tier in tiers),
                )
                for touchpoint_type in types
            ],
        }

    def _preview_email_languages(self, tally):
        """The mailings: one per language of the recipients."""
        if not tally.email_langs:
            return False
        lang_names = dict(self.env["res.lang"].get_installed())
        default = self.env.lang or "en_US"
        email_langs = Counter()
        for lang, count in tally.email_langs.items():
            email_langs[lang or default] += count
        return self.env._(
            "Emails: one mailing per language, %(languages)s.",
            languages=", ".join(
                f"{lang_names.get(lang, lang)} ({count})"
                for lang, count in sorted(email_langs.items())
            ),
        )

    def _preview_per_week(self, tally):
        """The salespeople's pieces per week (from Monday)."""
        if not tally.per_user_week:
            return False
        weeks = sorted({week for _user, week in tally.per_user_week})
        users = sorted(tally.users.values(), key=lambda u: u.name)
        per_week = tally.per_user_week
        return {
            "columns": [
                self.env._("Week of %(date)s", date=format_date(self.env, week))
                for week in weeks
            ],
            "rows": [
                (
                    user.name,
                    [per_week[(user.id, week)] for week in weeks],
                    sum(per_week[(user.id, week)] for week in weeks),
                )
                for user in users
            ],
        }

    def _preview_budgets(self, tally, used_before):
        """The yearly budgets of the campaign's contacts, before and after."""
        budget_types = (
            self.line_ids.touchpoint_type_id | self.fallback_type_ids
        ).filtered("yearly_budget")
        if not budget_types:
            return False
        this = Counter()
        for (type_id, _tier_id), count in tally.per_type_tier.items():
            this[type_id] += count
        return {
            "title": self.env._("Yearly budgets %(year)s", year=self.send_date.year),
            "rows": [
                (
                    t.name,
                    t.yearly_budget,
                    used_before[t.id],
                    this[t.id],
                    used_before[t.id] + this[t.id],
                )
                for t in budget_types.sorted(lambda t: (-t.weight, t.sequence))
            ],
        }

    def _preview_customers(self, rows, count):
        """The first customers ``rows`` of ``count`` with their contact and
        why, the rest counted."""
        if not count:
            return False
        # the names of the rows shown only, not of the whole audience
        shown = self.env["res.partner"].browse([line.partner.id for line in rows])
        names = dict(zip(shown.ids, shown.mapped("display_name"), strict=True))
        more = count - len(rows)
        return {
            "count": count,
            "rows": [
                (
                    names[line.partner.id],
                    line.tier.code or "",
                    line.wanted.name or "",
                    line.touchpoint_type.name or "",
                    "; ".join(line.reasons),
                )
                for line in rows
            ],
            "more": more > 0 and self.env._("… and %(count)s more.", count=more),
        }
