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
        mailing_ids = traces.mass_mailing_id.ids
        pieces = (
            self.env["customer.followup.campaign.piece"]
            .sudo()
            .search(
                [
                    "|",
                    ("mailing_id", "in", mailing_ids),
                    ("campaign_id.mailing_id", "in", mailing_ids),
                    ("kind", "=", "email"),
                    ("state", "=", "planned"),
                    ("partner_id", "in", list(set(traces.mapped("res_id")))),
                ]
            )
        )
        if not pieces:
            return
        sent = {
            (trace.mass_mailing_id.id, trace.res_id)
            for trace in traces
            if trace.trace_status == "sent"
        }
        pieces = pieces.filtered(
            lambda piece: (
                (
                    (piece.mailing_id or piece.campaign_id.mailing_id).id,
                    piece.partner_id.id,
                )
                in sent
            )
        )
        self.env["customer.followup.campaign.piece"]._log_done(pieces)
