from odoo import api, models
from odoo.tools import SQL


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.model
    def _followup_left_over(self):
        """What the previous call of the running cron left to do (the
        ``remaining`` of its last progress report) when it stopped on its time
        budget, else 0; 0 outside a cron run."""
        progress_id = self.env.context.get("ir_cron_progress_id")
        cron_id = self.env.context.get("cron_id")
        if not (progress_id and cron_id):
            return 0
        rows = self.env.execute_query(
            SQL(
                """
                SELECT remaining
                  FROM ir_cron_progress
                 WHERE cron_id = %s AND id < %s
              ORDER BY id DESC
                 LIMIT 1
                """,
                cron_id,
                progress_id,
            )
        )
        return (rows[0][0] or 0) if rows else 0
