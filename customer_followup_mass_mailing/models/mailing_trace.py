from odoo import models


class MailingTrace(models.Model):
    _inherit = "mailing.trace"

    # the campaign cron looks up the trace of each waiting piece by its
    # mailing and customer (Email Marketing indexes neither the customer nor
    # the pair)
    _followup_mailing_res_index = models.Index("(mass_mailing_id, res_id)")

    def write(self, vals):
        result = super().write(vals)
        if vals.get("trace_status") == "sent":
            self._trigger_campaign_logging()
        return result

    def _trigger_campaign_logging(self):
        """A campaign's emails are logged when its mailing sends them: the
        mail queue sends (and marks sent) one mail at a time, so the campaign
        cron is woken up to log the sent ones together, set-based, instead
        of one touchpoint per mail here."""
        mailings = self.filtered(
            lambda trace: trace.model == "res.partner" and trace.mass_mailing_id
        ).mass_mailing_id
        if mailings:
            self.env["customer.followup.campaign"]._trigger_campaign_cron(mailings)
