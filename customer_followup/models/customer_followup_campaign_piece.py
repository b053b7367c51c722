from odoo import api, fields, models
from odoo.tools import SQL

PIECE_STATES = [
    ("planned", "Planned"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
PIECE_KINDS = [
    ("personal", "By the salesperson"),
    ("printed", "Printed batch"),
    ("email", "Email"),
]


def piece_kind(channel):
    """How a piece of ``channel`` is made: the salesperson writes, calls or
    visits; printed mail goes into the printable batch; email into the
    campaign's mailing."""
    if channel == "email":
        return "email"
    if channel == "printed_mail":
        return "printed"
    return "personal"


class CustomerFollowupCampaignPiece(models.Model):
    """One customer's piece of a confirmed campaign: what it counts against
    the yearly budget and the salesperson's capacity, and what it logged."""

    _name = "customer.followup.campaign.piece"
    _inherit = ["customer.followup.guard"]
    _description = "Campaign Piece"
    _order = "campaign_id, plan_date, id"
    _rec_name = "partner_id"

    _followup_system_fields = (
        "campaign_id",
        "partner_id",
        "tier_id",
        "touchpoint_type_id",
        "kind",
        "user_id",
        "plan_date",
        "state",
        "activity_id",
        "touchpoint_id",
        "note",
        "send_date",
        "mailing_id",
    )

    campaign_id = fields.Many2one(
        "customer.followup.campaign",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(related="campaign_id.company_id", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    tier_id = fields.Many2one("customer.tier", readonly=True)
    touchpoint_type_id = fields.Many2one(
        "customer.touchpoint.type",
        string="Contact",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
    )
    channel = fields.Selection(related="touchpoint_type_id.channel")
    kind = fields.Selection(PIECE_KINDS, required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", index="btree_not_null", readonly=True
    )
    plan_date = fields.Date(
        string="Planned For",
        required=True,
        readonly=True,
        help="The day the salesperson makes the piece, or the send date.",
    )
    send_date = fields.Date(
        compute="_compute_send_date",
        store=True,
        readonly=False,
        index=True,
        help="The day the customer should receive the piece: the campaign's "
        "send date, or the customer's anniversary.",
    )
    mailing_id = fields.Many2one(
        "mailing.mailing",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The mailing of Email Marketing that sends the email.",
    )
    state = fields.Selection(
        PIECE_STATES, required=True, default="planned", readonly=True, index=True
    )
    activity_id = fields.Many2one(
        "mail.activity", index="btree_not_null", ondelete="set null", readonly=True
    )
    touchpoint_id = fields.Many2one(
        "customer.touchpoint", ondelete="set null", readonly=True
    )
    note = fields.Char(
        readonly=True,
        help="Why the customer gets a cheaper contact than its tier's.",
    )

    _campaign_partner_unique = models.UniqueIndex(
        "(campaign_id, partner_id)",
        "A campaign has one piece per customer.",
    )

    @api.depends("campaign_id.send_date")
    def _compute_send_date(self):
        for piece in self:
            if piece.campaign_id.timing != "anniversary" or not piece.send_date:
                piece.send_date = piece.campaign_id.send_date

    @api.model
    def _log_done(self, pieces, user=None, date=None):
        """Log one touchpoint (origin campaign) per planned piece of
        ``pieces``, set-based, and mark them done; pieces already done are
        skipped, so that a second call logs nothing."""
        # another worker logging the same pieces skips them
        pieces = pieces.sudo().try_lock_for_update()
        pieces.invalidate_recordset(["state"])
        pieces = pieces.filtered(lambda piece: piece.state == "planned")
        if not pieces:
            return pieces
        pieces.fetch(["campaign_id", "partner_id", "touchpoint_type_id", "user_id"])
        # read the customers at once, not one by one in the touchpoints' create
        pieces.partner_id.fetch(["commercial_partner_id", "user_id"])
        now = date or fields.Datetime.now()
        vals_list = [
            {
                "partner_id": piece.partner_id.id,
                "type_id": piece.touchpoint_type_id.id,
                "user_id": (user or piece.user_id or piece.campaign_id.user_id).id
                or False,
                "summary": piece.campaign_id.name,
                "origin": "campaign",
                "campaign_id": piece.campaign_id.id,
                "date": now,
                "company_id": piece.campaign_id.company_id.id,
            }
            for piece in pieces
        ]
        touchpoints = self.env["customer.touchpoint"].sudo().create(vals_list)
        pieces.flush_recordset()
        # one statement for any number of pieces (50,000 emails of a mailing)
        self.env.execute_query(
            SQL(
                """
                UPDATE customer_followup_campaign_piece piece
                   SET state = 'done', touchpoint_id = done.touchpoint_id,
                       write_date = NOW() AT TIME ZONE 'UTC', write_uid = %(uid)s
                  FROM unnest(%(piece_ids)s::int[], %(touchpoint_ids)s::int[])
                       AS done(piece_id, touchpoint_id)
                 WHERE piece.id = done.piece_id
                """,
                uid=self.env.uid,
                piece_ids=pieces.ids,
                touchpoint_ids=touchpoints.ids,
            )
        )
        pieces.invalidate_recordset(["state", "touchpoint_id", "write_date"])
        pieces.campaign_id._update_progress()
        return pieces

    @api.model
    def _mark_done_by(self, touchpoints):
        """The salespeople's pieces whose activity logged ``touchpoints``
        (marked done) are done."""
        touchpoints = touchpoints.filtered(lambda t: t.campaign_id and t.activity_id)
        if not touchpoints:
            return self
        pieces = self.sudo().search(
            [("activity_id", "in", touchpoints.activity_id.ids)]
        )
        by_activity = {t.activity_id.id: t for t in touchpoints}
        for piece in pieces:
            piece.write(
                {"state": "done", "touchpoint_id": by_activity[piece.activity_id.id].id}
            )
        pieces.campaign_id._update_progress()
        return pieces
