from odoo import api, models
from odoo.tools import SQL


class IrCron(models.Model):
    _inherit = "ir.cron"

    def method_direct_trigger(self):
        """*Run Manually* on the slipping mail says what it did: a second run
        in a week mails nobody (every reader had this week's mail), and says
        so, with the way to send it again to one reader."""
        slipping = self.env.ref(
            "customer_followup.ir_cron_slipping_mail", raise_if_not_found=False
        )
        if not slipping or self != slipping:
            return super().method_direct_trigger()
        self.check_access("write")
        Slipping = self.env["customer.followup.slipping"]
        today = self.env.company._followup_today()
        salespeople, managers = Slipping._slipping_readers(today)
        waiting = len(salespeople | managers)
        result = super().method_direct_trigger()
        if waiting:
            message = self.env._(
                "The mail of customers slipping away is queued for %(count)s "
                "reader(s) not mailed yet this week.",
                count=waiting,
            )
            kind = "success"
        else:
            message = self.env._(
                "Nothing sent: every reader already received this week's mail "
                "of customers slipping away (one mail a week). To send it again "
                "to one reader, select the user under Settings > Users and use "
                "Action > Send the Slipping Mail Now."
            )
            kind = "warning"
        return Slipping._slipping_notification(message, kind) or result

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
