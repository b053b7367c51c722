from odoo import api, fields, models


class CustomerFollowupPlanner(models.AbstractModel):
    """The capacity book counts the campaigns' personal pieces too: a
    salesperson's monthly capacity holds the planner's follow-ups and the
    campaigns' cards, letters, calls and visits together, whichever plans
    first."""

    _inherit = "customer.followup.planner"

    @api.model
    def _load_capacity_book(self, book, lines, today, last_day):
        pairs = {
            (line.user.id, line.touchpoint_type.id)
            for line in lines
            if line.touchpoint_type.capacity_per_user_month
        } - book.loaded
        result = super()._load_capacity_book(book, lines, today, last_day)
        if not pairs:
            return result
        groups = (
            self.env["customer.followup.campaign.piece"]
            .sudo()
            ._read_group(
                [
                    ("kind", "=", "personal"),
                    ("state", "in", ("planned", "done")),
                    ("user_id", "in", list({pair[0] for pair in pairs})),
                    ("touchpoint_type_id", "in", list({pair[1] for pair in pairs})),
                    ("plan_date", ">=", fields.Date.start_of(today, "month")),
                    ("plan_date", "<=", fields.Date.end_of(last_day, "month")),
                ],
                ["user_id", "touchpoint_type_id", "plan_date:day"],
                ["__count"],
            )
        )
        for user, touchpoint_type, day, count in groups:
            if (user.id, touchpoint_type.id) not in pairs:
                continue
            day = fields.Date.to_date(day)
            day_key = (user.id, touchpoint_type.id, day)
            month_key = (
                user.id,
                touchpoint_type.id,
                fields.Date.start_of(day, "month"),
            )
            book.days[day_key] = book.days.get(day_key, 0) + count
            book.months[month_key] = book.months.get(month_key, 0) + count
        return result

    @api.model
    def _candidate_ids(self, limit_date):
        """A customer with a campaign's card, letter, call or visit planned
        within the horizon gets no separate follow-up: the campaign's piece
        is its contact."""
        candidate_ids = super()._candidate_ids(limit_date)
        if not candidate_ids:
            return candidate_ids
        with_piece = set(
            self.env["customer.followup.campaign.piece"]
            .sudo()
            .search_fetch(
                [
                    ("kind", "=", "personal"),
                    ("state", "=", "planned"),
                    ("plan_date", "<=", limit_date),
                    ("partner_id", "in", candidate_ids),
                ],
                ["partner_id"],
            )
            .partner_id.ids
        )
        return [pid for pid in candidate_ids if pid not in with_piece]
