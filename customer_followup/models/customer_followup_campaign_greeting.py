from datetime import timedelta

from odoo import fields, models
from odoo.fields import Domain
from odoo.tools import format_date

# The Japanese greeting year (DOMAIN.md section 5).
GREETINGS = [
    ("new_year", "New Year greeting"),
    ("midwinter", "Midwinter greeting"),
    ("summer", "Summer greeting"),
    ("late_summer", "Late-summer greeting"),
    ("summer_gift", "Summer gift season"),
    ("year_end_gift", "Year-end gift season"),
]


class CustomerFollowupCampaignGreeting(models.AbstractModel):
    """The Japanese greeting year: a customer who sent a mourning notice gets
    no New Year greeting that season, but a midwinter greeting instead."""

    _name = "customer.followup.campaign.greeting"
    _description = "Follow-up Campaign Greeting Calendar"

    greeting = fields.Selection(
        GREETINGS,
        help="The greeting of the Japanese calendar this campaign is: a "
        "customer who sent a mourning notice gets no New Year greeting that "
        "season.",
    )

    def _mourning_reason(self, partner, send_date):
        """Why a customer gets no New Year greeting: a mourning notice of the
        season (received in the year before the send date)."""
        mourning = partner.followup_mourning_date
        if (
            self.greeting == "new_year"
            and mourning
            and fields.Date.add(send_date, years=-1) < mourning <= send_date
        ):
            return self.env._(
                "mourning notice received on %(date)s: a midwinter greeting instead",
                date=format_date(self.env, mourning),
            )
        return False

    def _mourning_domain(self):
        """The customers who sent a mourning notice in the year before the
        send date."""
        first = fields.Date.add(self.send_date, years=-1)
        return Domain(
            [
                ("followup_mourning_date", ">", fields.Date.to_string(first)),
                (
                    "followup_mourning_date",
                    "<=",
                    fields.Date.to_string(self.send_date),
                ),
            ]
        )

    def action_plan_midwinter(self):
        """The midwinter greeting for the customers of this New Year greeting
        who sent a mourning notice, as a draft to check and confirm."""
        self.ensure_one()
        self.check_access("write")
        template = self.env["customer.followup.campaign.template"].search(
            [("greeting", "=", "midwinter")], limit=1
        )
        today = self.env.company._followup_today()
        vals = {
            "greeting": "midwinter",
            "timing": "date",
            "partner_domain": repr(list(self._domain() & self._mourning_domain())),
        }
        if template:
            vals.update(template._campaign_values(max(today, self.send_date)))
            vals["name"] = self.env._("%(name)s: mourning notices", name=vals["name"])
        else:
            vals.update(
                {
                    "name": self.env._("%(name)s: midwinter greeting", name=self.name),
                    "send_date": max(today, self.send_date + timedelta(days=7)),
                    "post_date_start": False,
                    "post_date_end": False,
                }
            )
        campaign = self.copy(vals)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": campaign.id,
            "view_mode": "form",
        }
