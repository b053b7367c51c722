from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import load_japanese
from .test_campaign import NOW, CampaignCase


@tagged("post_install", "-at_install")
class TestGreetingCalendar(CampaignCase):
    """The Japanese greeting year shipped as campaign templates, with the
    days their cards are posted."""

    def _template(self, name):
        return self.env.ref(f"customer_followup.campaign_template_{name}")

    def _from_template(self, name, now=NOW):
        with freeze_time(now):
            action = self._template(name).action_create_campaign()
        return self.env["customer.followup.campaign"].browse(action["res_id"])

    def test_templates_know_the_season(self):
        with freeze_time(NOW):
            new_year = self._template("new_year")._next_season(date(2026, 10, 1))
            midwinter = self._template("midwinter")._next_season(date(2026, 10, 1))
            summer = self._template("summer")._next_season(date(2026, 10, 1))
            late = self._template("late_summer")._next_season(date(2026, 10, 1))
            new_year_late = self._template("new_year")._next_season(date(2026, 12, 27))
        self.assertEqual(
            new_year, (date(2027, 1, 1), date(2026, 12, 15), date(2026, 12, 25))
        )
        self.assertEqual(
            midwinter, (date(2027, 1, 10), date(2027, 1, 8), date(2027, 2, 1))
        )
        self.assertEqual(
            summer, (date(2027, 7, 15), date(2027, 7, 7), date(2027, 8, 4))
        )
        self.assertEqual(late[1:], (date(2027, 8, 8), date(2027, 8, 28)))
        # past the last posting day: next year's cards
        self.assertEqual(new_year_late[0], date(2028, 1, 1))

    def test_new_year_cards_posted_inside_the_window(self):
        campaign = self._from_template("new_year")
        self.assertEqual(campaign.state, "draft")
        self.assertEqual(campaign.greeting, "new_year")
        self.assertEqual(campaign.send_date, date(2027, 1, 1))
        self.assertEqual(campaign.name, "New Year greeting 2027")
        self.assertIn("Happy New Year", campaign.message)
        # the best tier handwritten, the others printed
        self.assertEqual(
            {(line.tier_id, line.touchpoint_type_id) for line in campaign.line_ids},
            {
                (self.tier_a, self.type_postcard),
                (self.env["customer.tier"], self.type_printed),
            },
        )
        campaign.partner_domain = repr([("id", "in", self.all_customers.ids)])
        with freeze_time(NOW):
            self.assertIn("posted from 12/15/2026 to 12/25/2026", campaign.preview_html)
            campaign.action_confirm()
        handwritten = campaign.piece_ids.filtered(lambda p: p.kind == "personal")
        printed = campaign.piece_ids.filtered(lambda p: p.kind == "printed")
        self.assertTrue(handwritten)
        self.assertTrue(printed)
        for piece in handwritten:
            # written in the weeks before, due by the last posting day
            self.assertLessEqual(piece.activity_id.date_deadline, date(2026, 12, 25))
            self.assertGreaterEqual(piece.plan_date, date(2026, 12, 5))
        self.assertEqual(set(printed.mapped("plan_date")), {date(2026, 12, 15)})
        # the next season's campaign starts from this one
        again = self._from_template("new_year", now="2027-01-05 09:00:00")
        self.assertEqual(again.send_date, date(2028, 1, 1))
        # the audience is a rule: last season's list of customers is left out
        self.assertEqual(again.partner_domain, "[]")
        self.assertEqual(again.post_date_end, date(2027, 12, 25))
        # Plan Next Year moves the posting window with the send date
        with freeze_time(NOW):
            action = campaign.action_plan_next_year()
        following = self.env["customer.followup.campaign"].browse(action["res_id"])
        self.assertEqual(following.send_date, date(2028, 1, 1))
        self.assertEqual(
            (following.post_date_start, following.post_date_end),
            (date(2027, 12, 15), date(2027, 12, 25)),
        )

    def test_summer_cards_written_inside_the_window(self):
        campaign = self._from_template("summer", now="2027-06-01 09:00:00")
        campaign.partner_domain = repr([("id", "in", self.customers["TA"].ids)])
        with freeze_time("2027-06-01 09:00:00"):
            campaign.action_confirm()
        for piece in campaign.piece_ids:
            self.assertGreaterEqual(piece.plan_date, date(2027, 7, 7))
            self.assertLessEqual(piece.plan_date, date(2027, 8, 4))

    def test_mourning_notice_no_new_year_card_but_midwinter(self):
        mourning = self.customers["TA"][:2]
        mourning.write({"followup_mourning_date": "2026-11-20"})
        last_year = self.customers["TA"][2]
        last_year.followup_mourning_date = "2025-11-15"
        campaign = self._from_template("new_year")
        campaign.partner_domain = repr([("id", "in", self.all_customers.ids)])
        with freeze_time(NOW):
            lines, _used = campaign._plan()
            preview = campaign.preview_html
        by_partner = {line.partner: line for line in lines}
        for partner in mourning:
            self.assertFalse(by_partner[partner].touchpoint_type)
            self.assertEqual(
                by_partner[partner].reasons,
                [
                    "mourning notice received on 11/20/2026: a midwinter "
                    "greeting instead"
                ],
            )
        self.assertIn("a midwinter greeting instead", preview)
        # last season's notice: a New Year card again
        self.assertTrue(by_partner[last_year].touchpoint_type)
        with freeze_time(NOW):
            campaign.action_confirm()
            action = campaign.action_plan_midwinter()
        self.assertFalse(
            campaign.piece_ids.filtered(lambda p: p.partner_id in mourning)
        )
        midwinter = self.env["customer.followup.campaign"].browse(action["res_id"])
        self.assertEqual(midwinter.greeting, "midwinter")
        self.assertEqual(midwinter.send_date, date(2027, 1, 10))
        self.assertEqual(midwinter.post_date_start, date(2027, 1, 8))
        self.assertEqual(midwinter.line_ids.tier_id, campaign.line_ids.tier_id)
        with freeze_time(NOW):
            self.assertEqual(midwinter._audience(), mourning)
            midwinter.action_confirm()
        self.assertEqual(midwinter.piece_ids.partner_id, mourning)
        self.assertTrue(
            all(piece.plan_date >= date(2027, 1, 8) for piece in midwinter.piece_ids)
        )

    def test_coming_season_keeps_the_templates_translations(self):
        load_japanese(self.env)
        japanese = self._template("new_year").with_context(lang="ja_JP").message
        self.assertIn("謹んで新春", japanese)
        # planned by a manager working in English, then planned again from
        # the last campaign: the Japanese customers still get the Japanese text
        for _again in range(2):
            campaign = self._from_template("new_year")
            self.assertIn("Happy New Year", campaign.message)
            self.assertEqual(campaign.with_context(lang="ja_JP").message, japanese)

    def test_mourning_notice_after_the_new_year_greeting_is_planned(self):
        """A notice received once the cards are planned (early December)
        cancels that customer's card and its activity (found by the
        simulation, issue 25); the others stay, and a notice of another
        season changes nothing."""
        campaign = self._from_template("new_year")
        campaign.partner_domain = repr([("id", "in", self.all_customers.ids)])
        with freeze_time(NOW):
            campaign.action_confirm()
        pieces = campaign.piece_ids
        handwritten = pieces.filtered(lambda p: p.kind == "personal")
        printed = pieces.filtered(lambda p: p.kind == "printed")
        self.assertTrue(handwritten.activity_id)
        mourner = handwritten[0].partner_id
        other = printed[0].partner_id
        unchanged = pieces.filtered(lambda p: p.partner_id not in mourner | other)
        with freeze_time("2026-12-05 10:00:00"):
            activity = handwritten[0].activity_id
            mourner.followup_mourning_date = date(2026, 12, 5)
            other.followup_mourning_date = date(2025, 12, 1)  # last season's
        self.assertEqual(handwritten[0].state, "cancelled")
        self.assertFalse(activity.exists())
        self.assertEqual(printed[0].state, "planned")
        self.assertEqual(set(unchanged.mapped("state")), {"planned"})
        self.assertIn("Mourning notice received", campaign.message_ids[0].body)
        with freeze_time("2026-12-15 10:00:00"):
            campaign.action_mark_posted()
        self.assertFalse(
            self.env["customer.touchpoint"].search(
                [("campaign_id", "=", campaign.id), ("partner_id", "=", mourner.id)]
            )
        )

    def test_printed_card_not_posted_to_a_customer_who_refused_post(self):
        """A customer who refused postal mail after the printed batch was
        planned gets no card when the batch is posted, and no touchpoint
        (found by the simulation, issue 25)."""
        campaign = self._from_template("new_year")
        campaign.partner_domain = repr([("id", "in", self.all_customers.ids)])
        with freeze_time(NOW):
            campaign.action_confirm()
        printed = campaign.piece_ids.filtered(lambda p: p.kind == "printed")
        refusing = printed[0].partner_id
        with freeze_time("2026-12-10 10:00:00"):
            refusing.followup_no_postal = True
        with freeze_time("2026-12-15 10:00:00"):
            campaign.action_mark_posted()
        self.assertEqual(printed[0].state, "cancelled")
        self.assertEqual(printed[0].note, "opted out of postal mail")
        self.assertEqual(set(printed[1:].mapped("state")), {"done"})
        touchpoints = self.env["customer.touchpoint"].search(
            [("campaign_id", "=", campaign.id), ("channel", "=", "printed_mail")]
        )
        self.assertEqual(touchpoints.partner_id, printed[1:].partner_id)
        self.assertIn("refused the contact", campaign.message_ids[0].body)
