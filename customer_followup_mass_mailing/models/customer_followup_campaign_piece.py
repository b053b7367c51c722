from odoo import fields, models


class CustomerFollowupCampaignPiece(models.Model):
    _inherit = "customer.followup.campaign.piece"

    mailing_id = fields.Many2one(
        "mailing.mailing",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The mailing of Email Marketing that sends the email.",
    )

    def _withdraw_emails(self):
        """The customers of these pieces are taken out of the mailings not
        sent yet."""
        result = super()._withdraw_emails()
        for campaign, campaign_pieces in self.grouped("campaign_id").items():
            for mailing in (campaign_pieces.mailing_id | campaign.mailing_id).filtered(
                lambda m: m.state in ("draft", "in_queue")
            ):
                still = (
                    self.sudo().search(
                        [
                            "|",
                            ("mailing_id", "=", mailing.id),
                            "&",
                            ("mailing_id", "=", False),
                            ("campaign_id.mailing_id", "=", mailing.id),
                            ("kind", "=", "email"),
                            ("state", "=", "planned"),
                        ]
                    )
                    - self
                )
                mailing.mailing_domain = repr([("id", "in", still.partner_id.ids)])
        return result
