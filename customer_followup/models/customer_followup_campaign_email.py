from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# Sent emails logged at once by the campaign cron.
EMAIL_BATCH = 10000
CAMPAIGN_CRON = "customer_followup.ir_cron_campaigns"


class CustomerFollowupCampaignEmail(models.AbstractModel):
    """The campaign's emails: one mass mail of Odoo's mail composer per
    language of the recipients, scheduled at the send date, and the sent
    emails logged as touchpoints. The Email Marketing bridge
    (customer_followup_mass_mailing) sends them as mailings instead."""

    _name = "customer.followup.campaign.email"
    _description = "Follow-up Campaign Emails"

    utm_campaign_id = fields.Many2one(
        "utm.campaign",
        string="UTM Campaign",
        readonly=True,
        copy=False,
        ondelete="set null",
    )

    def _email_moment(self, send_date=None):
        """When the emails leave: the send hour of the send date in the
        shop's timezone, never in the past."""
        return max(
            self.company_id._followup_moment(
                send_date or self.send_date, self.send_hour
            ),
            fields.Datetime.now(),
        )

    def _email_pieces_by_lang(self, pieces):
        """{language: the email pieces of its customers}, sorted; read in
        one query (half a million pieces are not loaded in the ORM cache)."""
        default_lang = self.env.lang or "en_US"
        by_lang = defaultdict(list)
        self.env.flush_all()
        for lang, ids in self.env.execute_query(
            SQL(
                """
                SELECT partner.lang, array_agg(piece.id ORDER BY piece.id)
                  FROM customer_followup_campaign_piece piece
                  JOIN res_partner partner ON partner.id = piece.partner_id
                 WHERE piece.id = ANY(%s)
              GROUP BY partner.lang
                """,
                list(pieces.ids),
            )
        ):
            by_lang[lang or default_lang] += ids
        piece_model = self.env["customer.followup.campaign.piece"]
        return {
            lang: piece_model.browse(sorted(ids))
            for lang, ids in sorted(by_lang.items())
        }

    def _send_emails(self, pieces, send_date=None):
        """Schedule the emails of ``pieces``: one mass mail of the mail
        composer per language (its subject and message in that language),
        each mail left in the queue until the send moment."""
        moment = self._email_moment(send_date)
        for lang, lang_pieces in self._email_pieces_by_lang(pieces).items():
            campaign = self.with_context(lang=lang)
            composer = (
                self.env["mail.compose.message"]
                .with_context(lang=lang)
                .create(
                    {
                        "composition_mode": "mass_mail",
                        "model": "res.partner",
                        "res_ids": repr(lang_pieces.partner_id.ids),
                        "subject": campaign._email_subject(),
                        "body": campaign.message,
                        "force_send": False,
                        "auto_delete": True,
                        "auto_delete_keep_log": True,
                    }
                )
            )
            mails, _messages = composer._action_send_mail()
            mails.write({"scheduled_date": moment})
            by_partner = {mail.res_id: mail.mail_message_id for mail in mails}
            for piece in lang_pieces:
                piece.mail_message_id = by_partner.get(piece.partner_id.id)
        cron = self.env.ref(CAMPAIGN_CRON, raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(moment + timedelta(hours=1))

    def _cancel_emails(self):
        """The campaign is cancelled: its emails not sent yet are withdrawn."""
        self.piece_ids.filtered(
            lambda p: p.kind == "email" and p.state == "planned"
        )._withdraw_emails()

    @api.model
    def _sent_email_piece_ids(self, after=0, limit=None):
        """The waiting email pieces whose email was sent, in their order:
        those after the piece ``after``, at most ``limit`` of them."""
        return [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
                    SELECT piece.id
                      FROM customer_followup_campaign_piece piece
                     WHERE piece.state = 'planned' AND piece.kind = 'email'
                       AND piece.mail_message_id IS NOT NULL
                       AND piece.id > %s
                       AND EXISTS (
                            SELECT 1 FROM mail_notification notification
                             WHERE notification.mail_message_id
                                   = piece.mail_message_id
                               AND notification.res_partner_id = piece.partner_id
                               AND notification.notification_status = 'sent')
                  ORDER BY piece.id
                     LIMIT %s
                    """,
                    after,
                    limit,
                )
            )
        ]

    @api.model
    def _log_sent_emails(self, batch_size=EMAIL_BATCH, cron=False):
        """Log the campaigns' emails that were sent, one touchpoint each,
        set-based, a batch at a time in the pieces' order; the pieces another
        worker holds are left to it. Returns False when the cron's time is
        used up.

        Each batch is looked up after the last one: a call reads what it
        logs, not every waiting email again (past its time budget the cron
        is called once per batch)."""
        piece_model = self.env["customer.followup.campaign.piece"].sudo()
        after = 0
        while True:
            self.env.flush_all()
            batch = self._sent_email_piece_ids(after=after, limit=batch_size)
            if not batch:
                return True
            self.env["ir.cron"]._followup_retrying(
                lambda batch=batch: piece_model._log_done(piece_model.browse(batch))
            )
            after = batch[-1]
            # a full batch may have more sent emails after it: the next
            # lookup tells
            more = len(batch) == batch_size
            if cron and not self.env["ir.cron"]._commit_progress(
                len(batch), remaining=int(more)
            ):
                return False
            if not more:
                return True
