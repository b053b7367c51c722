from odoo import fields, models


class CustomerFollowupScore(models.Model):
    """The follow-up score of one customer, in a narrow table of its own.

    The tier cron rescores every customer each day and a small change of the
    orders moves the percentiles of most of them: rewriting these scores in
    ``res_partner`` (wide rows, many indexes) cost more than the rest of the
    cron. Here an update rewrites a short row with two indexes, and the table
    keeps free space in its pages so that most updates stay on their page (HOT).
    ``res.partner.followup_score`` reads it (related field: sortable,
    searchable and grouped like a stored field). The score is the one of the
    customer's scoring company (see ``customer.followup.scoring``)."""

    _name = "customer.followup.score"
    _inherit = ["customer.followup.guard"]
    _description = "Customer Follow-up Score"
    _log_access = False
    _rec_name = "partner_id"
    _followup_system_fields = ("partner_id", "score", "tier_pending")

    # free space left in each page for the daily updates (HOT updates)
    _FILLFACTOR = 50

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade"
    )
    score = fields.Float(readonly=True)
    tier_pending = fields.Boolean(
        readonly=True,
        help="The tier this score reaches differs from the customer's and is "
        "still to be written: the tier cron stopped on its time budget and its "
        "next call writes it.",
    )

    _partner_unique = models.UniqueIndex("(partner_id)")
    # what a resumed tier cron call reads instead of every customer
    _tier_pending_index = models.Index("(partner_id) WHERE tier_pending")

    def init(self):
        res = super().init()
        self.env.cr.execute(
            f"ALTER TABLE {self._table} SET (fillfactor = {self._FILLFACTOR})"
        )
        return res
