from datetime import date

from freezegun import freeze_time

from odoo.fields import Domain
from odoo.tests import tagged

from ..models.customer_followup_campaign_season import without_fixed_ids
from .test_campaign import CampaignCase


@tagged("post_install", "-at_install")
class TestPostingWindow(CampaignCase):
    """New Year cards are posted from 15 to 25 December: the salespeople's
    cards are due inside that window whatever the day the campaign is
    confirmed, and their activities say when to post."""

    def _new_year(self, now, customers):
        with freeze_time(now):
            action = self.env.ref(
                "customer_followup.campaign_template_new_year"
            ).action_create_campaign()
            campaign = self.env["customer.followup.campaign"].browse(action["res_id"])
            campaign.partner_domain = repr([("id", "in", customers.ids)])
        return campaign

    def test_cards_due_inside_the_window_whatever_the_confirmation_day(self):
        for now, first in (
            ("2026-11-01 09:00:00", date(2026, 12, 15)),
            ("2026-12-07 09:00:00", date(2026, 12, 15)),
            ("2026-12-20 09:00:00", date(2026, 12, 21)),
        ):
            with self.subTest(now=now):
                campaign = self._new_year(now, self.customers["TA"])
                with freeze_time(now):
                    preview = campaign.preview_html
                    campaign.action_confirm()
                cards = campaign.piece_ids.filtered(lambda p: p.kind == "personal")
                self.assertEqual(len(cards), 10)
                deadlines = cards.activity_id.mapped("date_deadline")
                self.assertEqual(sorted(deadlines), sorted(cards.mapped("plan_date")))
                for day in deadlines:
                    self.assertGreaterEqual(day, first)
                    self.assertLessEqual(day, date(2026, 12, 25))
                    self.assertLess(day.weekday(), 5)
                # spread: each salesperson's five cards on five days
                for user in cards.user_id:
                    mine = cards.filtered(lambda p, user=user: p.user_id == user)
                    self.assertEqual(len(set(mine.mapped("plan_date"))), 5)
                # the preview's weeks are the cards' weeks
                self.assertNotIn("Week of 12/07/2026", preview)
                self.assertIn("Week of 12/21/2026", preview)
                note = cards[0].activity_id.note
                self.assertIn(
                    "post it from 12/15/2026 to 12/25/2026 so that it arrives "
                    "on 01/01/2027",
                    note,
                )
                with freeze_time(now):
                    campaign.action_cancel()

    def test_cards_beyond_the_window_capacity_get_the_cheaper_contact(self):
        # two handwritten cards a month per salesperson
        self.type_postcard.capacity_per_user_month = 2
        campaign = self._new_year("2026-11-01 09:00:00", self.customers["TA"])
        with freeze_time("2026-11-01 09:00:00"):
            lines, _used = campaign._plan()
        cards = [line for line in lines if line.touchpoint_type == self.type_postcard]
        moved = [line for line in lines if line.touchpoint_type == self.type_printed]
        self.assertEqual(len(cards), 4)
        self.assertEqual(len(moved), 6)
        for line in cards:
            self.assertTrue(date(2026, 12, 15) <= line.plan_date <= date(2026, 12, 25))
        self.assertIn(
            "is used up in the posting window (12/15/2026 to 12/25/2026)",
            moved[0].reasons[0],
        )


@tagged("post_install", "-at_install")
class TestComingSeason(CampaignCase):
    """Plan the Coming Season opens the season's draft when there is one,
    and carries the audience as a rule, never as last season's list."""

    def _plan_season(self, now):
        with freeze_time(now):
            action = self.env.ref(
                "customer_followup.campaign_template_new_year"
            ).action_create_campaign()
        return self.env["customer.followup.campaign"].browse(action["res_id"])

    def test_twice_gives_one_draft(self):
        first = self._plan_season("2026-11-01 09:00:00")
        again = self._plan_season("2026-11-20 09:00:00")
        self.assertEqual(again, first)
        self.assertEqual(
            self.env["customer.followup.campaign"].search_count(
                [("template_id", "=", first.template_id.id)]
            ),
            1,
        )
        # Plan Next Year of last season's campaign opens it too
        with freeze_time("2026-11-20 09:00:00"):
            last = self._campaign("New Year greeting 2026", send_date="2026-11-25")
            last.write({"template_id": first.template_id.id, "send_date": "2026-01-01"})
            action = last.action_plan_next_year()
        self.assertEqual(action["res_id"], first.id)

    def test_new_customers_are_in_the_coming_season(self):
        vip = self.env["res.partner.category"].create({"name": "Regulars"})
        regulars = self.customers["TA"] | self.customers["TB"][:3]
        regulars.write({"category_id": [(4, vip.id)]})
        season = self._plan_season("2026-11-01 09:00:00")
        # last season: the regulars of tiers A and B, as a tag and tiers, and
        # a list of customers picked one by one
        season.write(
            {
                "category_ids": [(6, 0, vip.ids)],
                "tier_ids": [(6, 0, (self.tier_a | self.tier_b).ids)],
                "partner_domain": repr(
                    ["&", ("id", "in", regulars.ids), ("email", "!=", False)]
                ),
            }
        )
        with freeze_time("2026-11-01 09:00:00"):
            season.action_confirm()
        with freeze_time("2027-03-01 09:00:00"):
            newcomer = self._customer("Newcomer", lang="en_US")
            newcomer.sudo().write(
                {"followup_tier_id": self.tier_a.id, "category_id": [(4, vip.id)]}
            )
            stranger = self._customer("Stranger", lang="en_US")
            stranger.sudo().followup_tier_id = self.tier_a
        coming = self._plan_season("2027-11-01 09:00:00")
        self.assertNotEqual(coming, season)
        self.assertEqual(coming.send_date.year, 2028)
        self.assertEqual(coming.partner_domain, repr([("email", "!=", False)]))
        self.assertEqual(coming.category_ids, vip)
        self.assertEqual(coming.tier_ids, self.tier_a | self.tier_b)
        with freeze_time("2027-11-01 09:00:00"):
            audience = coming._audience()
        self.assertIn(newcomer, audience)
        self.assertNotIn(stranger, audience)
        self.assertEqual(audience, regulars | newcomer)
        self.assertIn("picked one by one", coming.message_ids[0].body)

    def test_rule_without_the_lists(self):
        email = Domain("email", "!=", False)
        tier = Domain("followup_tier_id", "=", self.tier_a.id)
        ids = Domain("id", "in", self.customers["TA"].ids)
        self.assertEqual(without_fixed_ids(ids & email), email)
        self.assertEqual(without_fixed_ids(ids | tier), tier)
        self.assertEqual(without_fixed_ids(~ids & email), email)
        self.assertTrue(without_fixed_ids(ids).is_true())
