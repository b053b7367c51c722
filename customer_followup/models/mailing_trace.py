from odoo import models


class MailingTrace(models.Model):
    _inherit = "mailing.trace"

    def write(self, vals):
        result = super().write(vals)
        if vals.get("trace_status") == "sent":
            self._log_campaign_touchpoints()
        return result

    def _log_campaign_touchpoints(self):
        """A campaign's email is logged when its mailing sends it: one
        touchpoint per customer, set-based, never twice."""
        traces = self.filtered(
            lambda trace: trace.model == "res.partner" and trace.mass_mailing_id
        )
        if not traces:
            return
        campaigns = (
            self.env["customer.followup.campaign"]
            .sudo()
            .search([("mailing_id", "in", traces.mass_mailing_id.ids)])
        )
        if not campaigns:
            return
        pieces = (
            self.env["customer.followup.campaign.piece"]
            .sudo()
            .search(
                [
                    ("campaign_id", "in", campaigns.ids),
                    ("kind", "=", "email"),
                    ("state", "=", "planned"),
                    ("partner_id", "in", list(set(traces.mapped("res_id")))),
                ]
            )
        )
        sent = {
            (trace.mass_mailing_id.id, trace.res_id)
            for trace in traces
            if trace.trace_status == "sent"
        }
        pieces = pieces.filtered(
            lambda piece: (piece.campaign_id.mailing_id.id, piece.partner_id.id) in sent
        )
        self.env["customer.followup.campaign.piece"]._log_done(pieces)
