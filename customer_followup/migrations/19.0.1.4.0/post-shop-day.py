"""19.0.1.4.0: the shop's day follows the company's timezone (a new field,
computed on update); the scheduled actions move to their night hours in it."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"]._followup_schedule_crons()
