"""19.0.1.3.0: the next follow-up date counts from the last contact that keeps
the tier's cadence (``last_cadence_contact_date``, new), no longer from any
touchpoint. The new field is computed when its column is created; the next
follow-up dates of the tiered customers are recomputed from it here."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    partners = (
        env["res.partner"]
        .with_context(active_test=False)
        .search([("followup_tier_id", "!=", False)])
    )
    for name in ("last_cadence_contact_date", "next_followup_date"):
        env.add_to_compute(partners._fields[name], partners)
    partners.flush_model()
