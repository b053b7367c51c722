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
        "mail_message_id",
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
    mail_message_id = fields.Many2one(
        "mail.message",
        string="Email",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The email of the mail composer that sends the piece.",
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
    # the campaign cron walks the emails waiting to be logged in their order,
    # a batch at a time: without it, every piece of every campaign
    _waiting_email_index = models.Index(
        "(id) WHERE state = 'planned' AND kind = 'email'"
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
        # another worker logging the same pieces skips them (locked), and
        # pieces already done are left out
        self.env.flush_all()
        locked = self.env.execute_query(
            SQL(
                """
                SELECT id, partner_id
                  FROM customer_followup_campaign_piece
                 WHERE id = ANY(%s) AND state = 'planned'
                   FOR NO KEY UPDATE SKIP LOCKED
                """,
                list(pieces.ids),
            )
        )
        pieces = self.sudo().browse(sorted(row[0] for row in locked))
        if not pieces:
            return pieces
        self.env["ir.cron"]._followup_lock_for_batch(
            self.env["res.partner"].browse({row[1] for row in locked})
        )
        # one statement for any number of pieces (50,000 emails of a mailing):
        # the touchpoints inserted from the pieces (their ids drawn first, so
        # that each piece is marked done through its own id)
        touchpoint_ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
                    WITH drawn AS MATERIALIZED (
                        SELECT piece.id AS piece_id, piece.partner_id,
                               piece.touchpoint_type_id, piece.user_id,
                               piece.campaign_id,
                               nextval('customer_touchpoint_id_seq') AS id
                          FROM customer_followup_campaign_piece piece
                         WHERE piece.id = ANY(%(piece_ids)s)
                           -- a range of the primary key, not a scan of every
                           -- piece of every campaign
                           AND piece.id BETWEEN %(low)s AND %(high)s
                    ), logged AS (
                        INSERT INTO customer_touchpoint (
                            id, partner_id, type_id, channel, weight, user_id,
                            summary, origin, direction, campaign_id, date,
                            company_id, create_uid, create_date, write_uid,
                            write_date)
                        SELECT drawn.id, drawn.partner_id, drawn.touchpoint_type_id,
                               type.channel, type.weight,
                               COALESCE(%(user)s, drawn.user_id, campaign.user_id),
                               campaign.name, 'campaign', 'outbound',
                               drawn.campaign_id, %(date)s, campaign.company_id,
                               %(uid)s, %(now)s, %(uid)s,
                               %(now)s
                          FROM drawn
                          JOIN customer_followup_campaign campaign
                            ON campaign.id = drawn.campaign_id
                          JOIN customer_touchpoint_type type
                            ON type.id = drawn.touchpoint_type_id
                    )
                    UPDATE customer_followup_campaign_piece piece
                       SET state = 'done', touchpoint_id = drawn.id,
                           write_date = %(now)s,
                           write_uid = %(uid)s
                      FROM drawn
                     WHERE piece.id = drawn.piece_id
                       AND piece.id BETWEEN %(low)s AND %(high)s
                 RETURNING drawn.id
                    """,
                    user=user.id if user else None,
                    date=date or fields.Datetime.now(),
                    uid=self.env.uid,
                    now=self.env.cr.now(),
                    piece_ids=pieces.ids,
                    low=pieces.ids[0],
                    high=pieces.ids[-1],
                )
            )
        ]
        # what depends on the customers' touchpoints (last contact, next
        # follow-up) follows, set-based too
        self.env["res.partner"].invalidate_model(["touchpoint_ids"])
        self.env["customer.followup.campaign"].invalidate_model(["touchpoint_ids"])
        self.env["res.partner"]._followup_touchpoints_inserted(touchpoint_ids)
        pieces.invalidate_recordset(["state", "touchpoint_id", "write_date"])
        pieces.campaign_id._update_progress()
        return pieces

    def _cancel_refused(self):
        """The planned pieces whose customer refused their channel since
        they were planned (no postal mail, a blacklisted email): cancelled
        and not logged, with the reason in the piece and the campaign's
        chatter. Returns the cancelled pieces."""
        refused = self.filtered(
            lambda p: (
                p.state == "planned"
                and p.partner_id._followup_blocked_reason(p.channel)
            )
        )
        for piece in refused:
            piece.write(
                {
                    "state": "cancelled",
                    "note": piece.partner_id._followup_blocked_reason(piece.channel),
                }
            )
        for campaign, pieces in refused.grouped("campaign_id").items():
            campaign.message_post(
                body=self.env._(
                    "Not sent, the customer refused the contact since it was "
                    "planned: %(names)s",
                    names=", ".join(
                        f"{piece.partner_id.name} ({piece.note})" for piece in pieces
                    ),
                )
            )
        refused.campaign_id._update_progress()
        return refused

    @api.model
    def _cancel_for_mourning(self, partners):
        """The customers' New Year cards still to make, once their mourning
        notice is received (a notice comes in November or early December,
        often after the greeting was planned): cancelled, their activities
        removed and their email withdrawn when not sent yet; the
        campaign's chatter says so. Returns the cancelled pieces."""
        partner_ids = (partners | partners.commercial_partner_id).ids
        pieces = self.sudo().search(
            [
                ("partner_id", "in", partner_ids),
                ("state", "=", "planned"),
                ("campaign_id.greeting", "=", "new_year"),
            ]
        )
        pieces = pieces.filtered(
            lambda p: p.campaign_id._mourning_reason(p.partner_id, p.send_date)
        )
        if not pieces:
            return pieces
        pieces.activity_id.unlink()
        pieces.write({"state": "cancelled"})
        pieces.filtered(lambda p: p.kind == "email")._withdraw_emails()
        for campaign, campaign_pieces in pieces.grouped("campaign_id").items():
            campaign.message_post(
                body=self.env._(
                    "Mourning notice received: the New Year greeting to "
                    "%(names)s is cancelled.",
                    names=", ".join(campaign_pieces.partner_id.mapped("name")),
                )
            )
        pieces.campaign_id._update_progress()
        return pieces

    def _withdraw_emails(self):
        """The emails of these pieces, not sent yet, are not sent."""
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", self.mail_message_id.ids),
                    ("state", "=", "outgoing"),
                ]
            )
        )
        mails.unlink()

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
