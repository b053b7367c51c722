import ast
import binascii

from markupsafe import Markup

from odoo import api, models
from odoo.tools import hash_sign, verify_hash_signed

from .postal_address import one_line_address

# the scope of the signed tokens of the stop links
OPTOUT_SCOPE = "customer_followup.optout"
OPTOUT_PATH = "/followup/stop/"


class CustomerFollowupOptout(models.AbstractModel):
    """What every mail the addon sends to a customer carries: who sends it
    (company name, postal address, contact) and a stop link that needs no
    login, also offered to mail programs as a one-click List-Unsubscribe
    (RFC 8058). The link holds a signed token of the customer; following it
    sets the customer's opt-out of reminders."""

    _name = "customer.followup.optout"
    _description = "Follow-up Mail Opt-out"

    @api.model
    def _token(self, partner):
        return hash_sign(
            self.env(su=True), OPTOUT_SCOPE, partner.commercial_partner_id.id
        )

    @api.model
    def _partner_from_token(self, token):
        """The customer of a stop link's token, or an empty recordset."""
        try:
            partner_id = verify_hash_signed(self.env(su=True), OPTOUT_SCOPE, token)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            partner_id = None
        if not isinstance(partner_id, int):
            return self.env["res.partner"]
        return self.env["res.partner"].sudo().browse(partner_id).exists()

    @api.model
    def _url(self, partner):
        return partner.get_base_url() + OPTOUT_PATH + self._token(partner)

    @api.model
    def _stop(self, partner):
        """Stop the reminders: the same whether asked once or twice."""
        partner = partner.sudo().commercial_partner_id
        if not partner.followup_no_replacement_reminder:
            partner.followup_no_replacement_reminder = True

    @api.model
    def _sender_address(self, company, recipient=None):
        return one_line_address(company.partner_id, recipient)

    @api.model
    def _decorate_mails(self, mails):
        """Add the sender's footer and the stop link to ``mails`` (queued
        mail.mail records of records with a customer ``partner_id`` and a
        ``company_id``), in the customer's language."""
        QWeb = self.env["ir.qweb"].sudo()
        for mail in mails.sudo():
            record = self.env[mail.model].sudo().browse(mail.res_id)
            partner = record.partner_id
            company = record.company_id or self.env.company
            url = self._url(partner)
            footer = QWeb.with_context(lang=partner.lang)._render(
                "customer_followup.mail_footer_optout",
                {
                    "company": company,
                    "address": self._sender_address(
                        company.with_context(lang=partner.lang), partner
                    ),
                    "stop_url": url,
                },
            )
            headers = ast.literal_eval(mail.headers) if mail.headers else {}
            headers.update(
                {
                    "List-Unsubscribe": f"<{url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                }
            )
            mail.write(
                {
                    "body_html": Markup(mail.body_html or "") + footer,
                    "headers": repr(headers),
                }
            )
