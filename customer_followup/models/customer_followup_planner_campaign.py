from odoo import api, models


class CustomerFollowupPlanner(models.AbstractModel):
    """A customer with a campaign's personal piece to come is not planned
    again (the capacity both use is counted by the ledger)."""

    _inherit = "customer.followup.planner"

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
