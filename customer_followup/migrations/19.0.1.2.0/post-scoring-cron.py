"""19.0.1.2.0: the scoring engine moved from customer.tier to the abstract
model customer.followup.scoring; the tier cron (noupdate data) follows it."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("customer_followup.ir_cron_compute_tiers", raise_if_not_found=False)
    model = env.ref(
        "customer_followup.model_customer_followup_scoring", raise_if_not_found=False
    )
    if cron and model and cron.model_id.model == "customer.tier":
        cron.write({"model_id": model.id})
