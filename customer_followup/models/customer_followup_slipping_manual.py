from odoo import api, models
from odoo.exceptions import AccessError


class ResUsers(models.Model):
    _inherit = "res.users"

    def action_followup_send_slipping_now(self):
        """Send this week's mail of customers slipping away to these users
        now, even if they received it already this week."""
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(
                self.env._("Only sales managers send the slipping mail by hand.")
            )
        Slipping = self.env["customer.followup.slipping"]
        today = self.env.company._followup_today()
        sent = Slipping._send_slipping_mail_now(self, today)
        if sent:
            message = self.env._(
                "The mail of customers slipping away is queued for: %(names)s.",
                names=", ".join(sent.mapped("name")),
            )
            return Slipping._slipping_notification(message, "success")
        message = self.env._(
            "Nothing sent: no customer is slipping away for these users this "
            "week, or they have no email address."
        )
        return Slipping._slipping_notification(message, "warning")


class CustomerFollowupSlipping(models.AbstractModel):
    _inherit = "customer.followup.slipping"

    @api.model
    def _send_slipping_mail_now(self, users, today):
        """Mail ``users`` now whatever the week; return the users mailed."""
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            return self.env["res.users"]
        week = self._week_start(today)
        manager_group = self.env.ref("sales_team.group_sale_manager")
        mailed = self.env["res.users"]
        mails = []
        for user in users.sudo().filtered(lambda u: u.email and not u.share):
            everyone = manager_group in user.all_group_ids
            rendered = self._render_slipping_mail(user, today, everyone)
            if rendered:
                mails.append(self._slipping_mail_vals(user, *rendered))
                mailed |= user
        if mails:
            self.env["mail.mail"].sudo().create(mails)
            mailed.sudo().write({"followup_slipping_week": week})
        return mailed

    @api.model
    def _slipping_notification(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": False},
        }
