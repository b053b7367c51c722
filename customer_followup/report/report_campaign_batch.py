from odoo import api, models


class ReportCampaignBatch(models.AbstractModel):
    """The cards of a campaign: the postcards' address side, then their
    message side (heading, message, date line, the shop, and the space for
    the salesperson's line on a handwritten card)."""

    _name = "report.customer_followup.report_campaign_batch"
    _description = "Campaign Printed Batch"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["customer.followup.campaign.piece"].browse(docids)
        hagaki = self.env["customer.followup.hagaki"]
        return {
            "doc_ids": docids,
            "doc_model": "customer.followup.campaign.piece",
            "docs": docs,
            "address_sides": {
                doc.id: hagaki._address_side(doc.partner_id, doc.company_id)
                for doc in docs
            },
            "message_sides": {
                doc.id: self.env["customer.followup.hagaki.message"]._message_side(doc)
                for doc in docs
            },
            "sheet_style": hagaki._sheet_style(),
        }
