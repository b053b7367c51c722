from freezegun import freeze_time

from odoo.tests import tagged

from .test_campaign import NOW, CampaignCase


@tagged("post_install", "-at_install")
class TestCampaignResponse(CampaignCase):
    def test_responses_and_revenue_per_channel(self):
        """Two customers per channel; hand-computed responses, revenue and
        points of each channel."""
        a0, a1 = self.customers["TA"][:2]
        c0, c1 = self.customers["TC"][:2]
        d0, d1 = self.customers["TD"][:2]
        audience = a0 | a1 | c0 | c1 | d0 | d1
        with freeze_time(NOW):
            campaign = self._confirm(
                self._campaign(
                    partner_domain=repr([("id", "in", audience.ids)]),
                    response_days=30,
                )
            )
        by_partner = {piece.partner_id: piece for piece in campaign.piece_ids}
        self.assertEqual(by_partner[a0].kind, "personal")
        self.assertEqual(by_partner[c0].kind, "printed")
        self.assertEqual(by_partner[d0].kind, "email")
        with freeze_time("2026-10-20 10:00:00"):
            by_partner[a0].activity_id.action_feedback(feedback="Written")
        with freeze_time("2026-10-28 10:00:00"):
            campaign.action_mark_posted()
        # responses: within the 30 days after the send date (30 October), or
        # carrying the campaign's UTM campaign (the Email Marketing bridge
        # makes it for the mailings; any UTM campaign of the campaign counts)
        if not campaign.utm_campaign_id:
            campaign.utm_campaign_id = self.env["utm.campaign"].create(
                {"title": campaign.name}
            )
        self._order(a0, "2026-11-05 10:00:00", 100.0)
        self._order(c0, "2026-11-29 10:00:00", 50.0)
        self._order(c1, "2026-12-15 10:00:00", 40.0)  # too late
        self._order(d1, "2026-10-15 10:00:00", 30.0)  # before the send date
        self._order(
            d0, "2027-01-10 10:00:00", 70.0
        ).campaign_id = campaign.utm_campaign_id
        self.env.flush_all()
        groups = self.env["customer.followup.campaign.report"]._read_group(
            [("campaign_id", "=", campaign.id)],
            ["kind"],
            [
                "piece_count:sum",
                "points:sum",
                "response_count:sum",
                "response_rate:avg",
                "revenue:sum",
            ],
        )
        figures = {kind: rest for kind, *rest in groups}
        self.assertEqual(figures["personal"], [2, 3.0, 1, 50.0, 100.0])
        self.assertEqual(figures["printed"], [2, 2.0, 1, 50.0, 50.0])
        self.assertEqual(figures["email"], [2, 0.0, 1, 50.0, 70.0])
        # a salesperson sees the response of own customers only
        a0.user_id = self.salesman_2
        report = self.env["customer.followup.campaign.report"].with_user(
            self.salesman_2
        )
        self.assertIn(a0, report.search([]).partner_id)
        self.assertTrue(
            all(
                partner.user_id == self.salesman_2
                for partner in report.search([]).partner_id
            )
        )
