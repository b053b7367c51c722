import ast

from odoo import models
from odoo.fields import Domain
from odoo.tools import SQL

# what the plan reads of each customer of the audience
AUDIENCE_FIELDS = [
    "active",
    "followup_tier_id",
    "followup_strategic",
    "followup_score",
    "user_id",
    "email",
    "lang",
    "is_blacklisted",
    "followup_no_visit",
    "followup_no_call",
    "followup_no_postal",
    "followup_mourning_date",
]


class CustomerFollowupCampaignAudience(models.AbstractModel):
    """The customers a campaign is for: its filter and tiers, those who
    matter most first."""

    _name = "customer.followup.campaign.audience"
    _description = "Follow-up Campaign Audience"

    def _domain(self):
        domain = ast.literal_eval(self.partner_domain or "[]")
        if not isinstance(domain, list):
            raise ValueError(self.partner_domain)
        return Domain(domain)

    def _audience_domain(self):
        """The campaign's customers: its filter and tiers, customers (not
        their contact people, not the companies' own or the users' partners)
        of its company or shared, archived ones included (to say why they
        are left out)."""
        self.ensure_one()
        companies = self.env["res.company"].sudo().search([])
        domain = self._domain() & Domain(
            [
                "|",
                ("is_company", "=", True),
                ("parent_id", "=", False),
                ("company_id", "in", [self.company_id.id, False]),
                ("id", "not in", companies.partner_id.ids),
            ]
        )
        # the users' own partners, not the portal customers
        domain &= ~Domain("user_ids.share", "=", False)
        if self.tier_ids:
            domain &= Domain("followup_tier_id", "in", self.tier_ids.ids)
        return domain

    def _audience(self, partners=None):
        """The customers of the audience (among ``partners`` if given), those
        who matter most first (tier, strategic flag, score); not read yet
        (``_plan`` reads them a chunk at a time)."""
        domain = self._audience_domain()
        if partners is not None:
            domain &= Domain("id", "in", partners.ids)
        partner_model = self.env["res.partner"].with_context(active_test=False)
        self.env.flush_all()
        # ordered in the database: sorting 100,000 records in Python costs
        # seconds
        ordered_ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
                    SELECT partner.id
                      FROM res_partner partner
                 LEFT JOIN customer_tier tier
                        ON tier.id = partner.followup_tier_id
                 LEFT JOIN customer_followup_score score
                        ON score.id = partner.followup_score_id
                     WHERE partner.id IN (%s)
                  ORDER BY COALESCE(tier.min_score, -1) DESC,
                           partner.followup_strategic IS NOT TRUE,
                           COALESCE(score.score, 0) DESC,
                           partner.id
                    """,
                    partner_model._search(domain).subselect(),
                )
            )
        ]
        return partner_model.browse(ordered_ids)
