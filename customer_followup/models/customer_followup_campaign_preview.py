from collections import Counter
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import format_date

# Rows of a list shown in the preview; the rest is counted.
PREVIEW_ROWS = 50


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
            lines, used_before = campaign._plan()
            campaign.preview_html = campaign._preview(lines, used_before)

    @api.readonly
    def onchange(self, values, field_names, fields_spec):
        # the preview is recomputed at every change of the campaign's form:
        # on the read replica (an onchange computes a new record in memory)
        return super().onchange(values, field_names, fields_spec)

    def _preview(self, lines, used_before):
        """The preview of the plan ``lines`` (the budget used before the
        campaign by type id ``used_before``), rendered by its template."""
        return self.env["ir.qweb"]._render(
            "customer_followup.campaign_preview",
            self._preview_values(lines, used_before),
        )

    def _preview_values(self, lines, used_before):
        planned = [line for line in lines if line.touchpoint_type]
        excluded = [line for line in lines if not line.touchpoint_type]
        moved = [line for line in planned if line.touchpoint_type != line.wanted]
        return {
            "intro": self._preview_intro(),
            "summary": self.env._(
                "%(customers)s customers: %(pieces)s pieces planned, %(moved)s "
                "moved to a cheaper contact, %(excluded)s left out.",
                customers=len(lines),
                pieces=len(planned),
                moved=len(moved),
                excluded=len(excluded),
            ),
            "per_tier": self._preview_per_tier(planned),
            "email_languages": self._preview_email_languages(planned),
            "per_week": self._preview_per_week(planned),
            "budgets": self._preview_budgets(planned, used_before),
            "moved": self._preview_customers(moved),
            "excluded": self._preview_customers(excluded),
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

    def _preview_per_tier(self, planned):
        """Pieces per contact (heaviest first) and tier (best first)."""
        tiers = sorted(
            {line.tier for line in planned},
            key=lambda tier: (-(tier.min_score if tier else -1), tier.id or 0),
        )
        counts = Counter((line.touchpoint_type, line.tier) for line in planned)
        types = sorted(
            {line.touchpoint_type for line in planned},
            key=lambda t: (-t.weight, t.sequence, t.id),
        )
        return {
            "columns": [tier.code or self.env._("No tier") for tier in tiers],
            "rows": [
                (
                    touchpoint_type.name,
                    [counts[(touchpoint_type, tier)] for tier in tiers],
                    sum(counts[(touchpoint_type, tier)] for tier in tiers),
                )
                for touchpoint_type in types
            ],
        }

    def _preview_email_languages(self, planned):
        """The mailings: one per language of the recipients."""
        email_langs = Counter(
            line.partner.lang or self.env.lang or "en_US"
            for line in planned
            if line.kind == "email"
        )
        if not email_langs:
            return False
        lang_names = dict(self.env["res.lang"].get_installed())
        return self.env._(
            "Emails: one mailing per language, %(languages)s.",
            languages=", ".join(
                f"{lang_names.get(lang, lang)} ({count})"
                for lang, count in sorted(email_langs.items())
            ),
        )

    def _preview_per_week(self, planned):
        """The salespeople's pieces per week (from Monday)."""
        personal = [line for line in planned if line.kind == "personal"]
        if not personal:
            return False

        def monday(day):
            return day - timedelta(days=day.weekday())

        weeks = sorted({monday(line.plan_date) for line in personal})
        per_week = Counter((line.user, monday(line.plan_date)) for line in personal)
        users = sorted({line.user for line in personal}, key=lambda u: u.name)
        return {
            "columns": [
                self.env._("Week of %(date)s", date=format_date(self.env, week))
                for week in weeks
            ],
            "rows": [
                (
                    user.name,
                    [per_week[(user, week)] for week in weeks],
                    sum(per_week[(user, week)] for week in weeks),
                )
                for user in users
            ],
        }

    def _preview_budgets(self, planned, used_before):
        """The yearly budgets of the campaign's contacts, before and after."""
        budget_types = (
            self.line_ids.touchpoint_type_id | self.fallback_type_ids
        ).filtered("yearly_budget")
        if not budget_types:
            return False
        this = Counter(line.touchpoint_type.id for line in planned)
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

    def _preview_customers(self, rows):
        """The first customers of ``rows`` with their contact and why, the
        rest counted."""
        if not rows:
            return False
        # the names of the rows shown only, not of the whole audience
        shown = self.env["res.partner"].browse(
            [line.partner.id for line in rows[:PREVIEW_ROWS]]
        )
        names = dict(zip(shown.ids, shown.mapped("display_name"), strict=True))
        more = len(rows) - PREVIEW_ROWS
        return {
            "count": len(rows),
            "rows": [
                (
                    names[line.partner.id],
                    line.tier.code or "",
                    line.wanted.name or "",
                    line.touchpoint_type.name or "",
                    "; ".join(line.reasons),
                )
                for line in rows[:PREVIEW_ROWS]
            ],
            "more": more > 0 and self.env._("… and %(count)s more.", count=more),
        }
