from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_foreign_keys(self, src_partners, dst_partner):
        res = super()._update_foreign_keys(src_partners, dst_partner)
        # Touchpoints were moved by SQL: the stored summary of the surviving
        # customer must be recomputed from its (now larger) ledger.
        for name in ("last_touchpoint_date", "last_cadence_contact_date"):
            self.env.add_to_compute(dst_partner._fields[name], dst_partner)
        return res
