from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, split_every

from odoo.addons.customer_followup.models.customer_followup_campaign_email import (
    CAMPAIGN_CRON,
)

# pieces given their mailing per write (and then dropped from the cache)
PIECE_WRITE_BATCH = 20000


class CustomerFollowupCampaign(models.Model):
    """The campaign's emails through Email Marketing: one mailing per
    language, its UTM campaign, the mailings' statistics, and the emails the
    mailings sent logged as touchpoints."""

    _inherit = "customer.followup.campaign"

    _followup_system_fields = ("state", "utm_campaign_id", "mailing_id")

    mailing_id = fields.Many2one(
        "mailing.mailing",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    # the sums over the campaign's mailings (one a day for anniversaries)
    mailing_sent = fields.Integer(
        string="Emails Sent", compute="_compute_mailing_stats"
    )
    mailing_opened = fields.Integer(string="Opened", compute="_compute_mailing_stats")
    mailing_clicked = fields.Integer(string="Clicked", compute="_compute_mailing_stats")
    mailing_replied = fields.Integer(string="Replied", compute="_compute_mailing_stats")
    mailing_bounced = fields.Integer(string="Bounced", compute="_compute_mailing_stats")

    def _send_emails(self, pieces, send_date=None):
        """The campaign's mailings in Email Marketing, one per language of the
        recipients (its subject and message in that language), all of the
        campaign's UTM campaign, scheduled at the send date (an anniversary
        campaign has mailings each day)."""
        utm_campaign = self._utm_campaign()
        schedule = self._email_moment(send_date)
        main = None
        for lang, lang_pieces in self._email_pieces_by_lang(pieces).items():
            campaign = self.with_context(lang=lang)
            message = campaign.message
            mailing = self.env["mailing.mailing"].create(
                {
                    "subject": campaign._email_subject(),
                    "body_arch": message,
                    "body_html": message,
                    "mailing_type": "mail",
                    "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "mailing_domain": repr(
                        [("id", "in", self._piece_partner_ids(lang_pieces))]
                    ),
                    "campaign_id": utm_campaign.id,
                    "medium_id": self.env.ref("utm.utm_medium_email").id,
                    "user_id": (self.user_id or self.env.user).id,
                    "schedule_type": "scheduled",
                    "schedule_date": schedule,
                }
            )
            mailing.action_put_in_queue()
            for ids in split_every(PIECE_WRITE_BATCH, lang_pieces.ids):
                lang_pieces.browse(ids).write({"mailing_id": mailing.id})
                lang_pieces.browse(ids).invalidate_recordset()
            if main is None or len(lang_pieces) > main[0]:
                main = (len(lang_pieces), mailing)
        self.write({"mailing_id": main[1].id})

    def _piece_partner_ids(self, pieces):
        """The customers of ``pieces``, read in one query (not through the
        ORM cache: a mailing may go to half a million customers)."""
        self.env.flush_all()
        return [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    "SELECT partner_id FROM customer_followup_campaign_piece"
                    " WHERE id = ANY(%s) ORDER BY partner_id",
                    list(pieces.ids),
                )
            )
        ]

    def _utm_campaign(self):
        if not self.utm_campaign_id:
            self.utm_campaign_id = self.env["utm.campaign"].create(
                {"title": self.name, "user_id": self.user_id.id or self.env.uid}
            )
        return self.utm_campaign_id

    def _mailings(self):
        """The mailings of the campaign (one a day for anniversaries)."""
        self.ensure_one()
        groups = (
            self.env["customer.followup.campaign.piece"]
            .sudo()
            ._read_group(
                [("campaign_id", "=", self._origin.id), ("mailing_id", "!=", False)],
                ["mailing_id"],
            )
        )
        mailings = self.env["mailing.mailing"].sudo()
        return mailings.union(*(group[0] for group in groups)) | self.sudo().mailing_id

    def _cancel_emails(self):
        """The campaign is cancelled: its mailings not sent yet are removed."""
        result = super()._cancel_emails()
        self._mailings().filtered(
            lambda mailing: mailing.state in ("draft", "in_queue")
        ).unlink()
        return result

    @api.depends("mailing_id")
    def _compute_mailing_stats(self):
        for campaign in self:
            mailings = campaign._mailings() if campaign._origin.id else []
            campaign.mailing_sent = sum(m.sent for m in mailings)
            campaign.mailing_opened = sum(m.opened for m in mailings)
            campaign.mailing_clicked = sum(m.clicked for m in mailings)
            campaign.mailing_replied = sum(m.replied for m in mailings)
            campaign.mailing_bounced = sum(m.bounced for m in mailings)

    def action_view_mailing(self):
        self.ensure_one()
        self.check_access("read")
        mailings = self._mailings()
        if len(mailings) > 1:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Mailings"),
                "res_model": "mailing.mailing",
                "domain": [("id", "in", mailings.ids)],
                "view_mode": "list,form",
            }
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "res_id": self.mailing_id.id,
            "view_mode": "form",
        }

    @api.model
    def _trigger_campaign_cron(self, mailings):
        """Wake the campaign cron up in a minute to log the emails of
        ``mailings`` that belong to campaigns, unless it is woken up
        already."""
        has_pieces = (
            self.env["customer.followup.campaign.piece"]
            .sudo()
            .search_count(
                [
                    "|",
                    ("mailing_id", "in", mailings.ids),
                    ("campaign_id.mailing_id", "in", mailings.ids),
                    ("state", "=", "planned"),
                ],
                limit=1,
            )
        )
        cron = self.env.ref(CAMPAIGN_CRON, raise_if_not_found=False)
        if not has_pieces or not cron:
            return
        now = fields.Datetime.now()
        pending = (
            self.env["ir.cron.trigger"]
            .sudo()
            .search_count([("cron_id", "=", cron.id), ("call_at", ">=", now)], limit=1)
        )
        if not pending:
            cron.sudo()._trigger(now + timedelta(minutes=1))

    @api.model
    def _sent_email_piece_ids(self, after=0, limit=None):
        """The waiting email pieces whose mailing sent the email, besides
        those of the mail composer, in their order. Each piece's trace is
        one probe of the traces' index by mailing and customer (the pieces
        of campaigns confirmed before the pieces knew their mailing: the
        campaign's)."""
        composer = super()._sent_email_piece_ids(after=after, limit=limit)
        mailing = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
                    SELECT piece.id
                      FROM customer_followup_campaign_piece piece
                      JOIN customer_followup_campaign campaign
                        ON campaign.id = piece.campaign_id
                     WHERE piece.state = 'planned' AND piece.kind = 'email'
                       AND piece.id > %s
                       AND EXISTS (
                            SELECT 1 FROM mailing_trace trace
                             WHERE trace.mass_mailing_id
                                   = COALESCE(piece.mailing_id, campaign.mailing_id)
                               AND trace.res_id = piece.partner_id
                               AND trace.model = 'res.partner'
                               AND trace.trace_status IN ('sent', 'open', 'reply'))
                  ORDER BY piece.id
                     LIMIT %s
                    """,
                    after,
                    limit,
                )
            )
        ]
        return sorted(set(composer) | set(mailing))[:limit]
