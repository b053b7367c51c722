from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import BrowserCase, campaign_emails


@tagged("post_install", "-at_install")
class TestCampaignTour(BrowserCase, HttpCase):
    def test_manager_previews_and_confirms_a_campaign(self):
        tier = self.env.ref("customer_followup.customer_tier_b")
        customers = self.env["res.partner"].create(
            [
                {
                    "name": f"Tour Campaign Customer {n}",
                    "is_company": True,
                    "email": f"tour{n}@example.com",
                    "user_id": self.salesman.id,
                    "followup_tier_id": tier.id,
                    "followup_tier_locked": True,
                }
                for n in range(3)
            ]
        )
        campaign = self.env["customer.followup.campaign"].create(
            {
                "name": "Tour summer greeting",
                "send_date": fields.Date.add(fields.Date.today(), days=30),
                "partner_domain": repr([("id", "in", customers.ids)]),
                "message": "<p>Stay cool this summer.</p>",
                "line_ids": [
                    Command.create(
                        {"tier_id": tier.id, "touchpoint_type_id": self.type_email.id}
                    )
                ],
            }
        )
        self.start_tour(
            f"/odoo/action-customer_followup.action_customer_followup_campaign/{campaign.id}",
            "customer_followup_campaign",
            login="cf_manager",
        )
        self.assertEqual(campaign.state, "planned")
        self.assertEqual(campaign.piece_ids.partner_id, customers)
        self.assertEqual(
            set(campaign_emails(campaign.piece_ids)), set(campaign.piece_ids.ids)
        )
