from datetime import date

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from .common import FollowupTierCase, campaign_emails

NOW = "2026-10-01 09:00:00"
CRON = "customer_followup.ir_cron_campaigns"


@tagged("post_install", "-at_install")
class TestAnniversaryCampaign(FollowupTierCase):
    """A birthday card campaign on a Date field of the contacts (here a field
    added by the database's administrator, as partner_contact_birthdate's
    birth date would be): each customer's piece is planned 14 days before
    its birthday, once in the campaign's year."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.model.fields"].create(
            {
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "name": "x_birthdate",
                "field_description": "Birth Date",
                "ttype": "date",
                "state": "manual",
            }
        )
        cls.type_postcard.capacity_per_user_month = 10
        with freeze_time(NOW):
            cls.soon = cls._customer("Soon Birthday", x_birthdate="1980-10-05")
            cls.later = cls._customer("Later Birthday", x_birthdate="1975-10-20")
            cls.email_only = cls._customer("Email Birthday", x_birthdate="1990-10-03")
            cls.leap = cls._customer("Leap Birthday", x_birthdate="2000-02-29")
            cls.undated = cls._customer("No Birthday")
            cls.customers = (
                cls.soon | cls.later | cls.email_only | cls.leap | cls.undated
            )
            (cls.soon | cls.later | cls.leap | cls.undated).sudo().write(
                {"followup_tier_id": cls.tier_a.id}
            )
            cls.email_only.sudo().followup_tier_id = cls.tier_c

    @classmethod
    def _campaign(cls, **vals):
        return cls.env["customer.followup.campaign"].create(
            {
                "name": "Birthday cards",
                "occasion": "birthday",
                "timing": "anniversary",
                "anniversary_field": "x_birthdate",
                "anniversary_days_before": 14,
                "send_date": "2026-10-01",
                "partner_domain": repr([("id", "in", cls.customers.ids)]),
                "message": "<p>Happy birthday!</p>",
                "line_ids": [
                    Command.create(
                        {
                            "tier_id": cls.tier_a.id,
                            "touchpoint_type_id": cls.type_postcard.id,
                        }
                    ),
                    Command.create({"touchpoint_type_id": cls.type_email.id}),
                ],
                "fallback_type_ids": [
                    Command.set((cls.type_printed | cls.type_email).ids)
                ],
                **vals,
            }
        )

    def _pieces(self, campaign):
        return {piece.partner_id: piece for piece in campaign.piece_ids}

    def test_birthday_pieces_planned_days_ahead_once(self):
        with freeze_time(NOW):
            campaign = self._campaign()
            self.assertIn(
                ("x_birthdate", "Birth Date"), campaign._selection_anniversary_field()
            )
            preview = campaign.preview_html
            self.assertIn("no date for Birth Date", preview)
            self.assertIn("No Birthday", preview)
            campaign.action_confirm()
        self.assertEqual(campaign.state, "planned")
        pieces = self._pieces(campaign)
        # the birthdays of the next 14 days, nothing else yet
        self.assertEqual(set(pieces), {self.soon, self.email_only})
        card = pieces[self.soon]
        self.assertEqual(card.touchpoint_type_id, self.type_postcard)
        self.assertEqual(card.send_date, date(2026, 10, 5))
        self.assertTrue(date(2026, 10, 1) <= card.plan_date <= date(2026, 10, 4))
        self.assertEqual(card.activity_id.date_deadline, card.plan_date)
        self.assertIn("Birthday cards", card.activity_id.summary)
        email = pieces[self.email_only]
        self.assertEqual(email.send_date, date(2026, 10, 3))
        # its email leaves at the send hour of the birthday
        self.assertEqual(
            campaign_emails(email)[email.id].moment,
            campaign.company_id._followup_moment(date(2026, 10, 3), campaign.send_hour),
        )
        # the cron again the same day plans nothing more
        self._run_cron(NOW, CRON)
        self.assertEqual(len(campaign.piece_ids), 2)
        # 14 days before the later birthday, its card; twice is once
        self._run_cron("2026-10-06 03:00:00", CRON)
        self._run_cron("2026-10-06 05:00:00", CRON)
        pieces = self._pieces(campaign)
        self.assertEqual(set(pieces), {self.soon, self.email_only, self.later})
        later = pieces[self.later]
        self.assertEqual(later.send_date, date(2026, 10, 20))
        self.assertTrue(date(2026, 10, 6) <= later.plan_date <= date(2026, 10, 19))
        # a day the cron missed is caught up while the birthday is to come
        with freeze_time(NOW):
            other = self._campaign(name="Birthday cards, second")
            other.action_confirm()
        self._run_cron("2026-10-12 03:00:00", CRON)
        self.assertIn(self.later, set(self._pieces(other)))
        # 29 February is celebrated on the 28th in 2027
        self._run_cron("2027-02-14 03:00:00", CRON)
        leap = self._pieces(campaign)[self.leap]
        self.assertEqual(leap.send_date, date(2027, 2, 28))
        # each customer once in the campaign's year, the undated never
        self._run_cron("2027-09-29 03:00:00", CRON)
        self.assertEqual(
            sorted(campaign.piece_ids.partner_id.ids),
            sorted((self.customers - self.undated).ids),
        )

    def test_birthday_pieces_count_against_the_budget(self):
        """The yearly budget holds across the year's birthdays: the card of
        a later birthday falls back to email when the budget is used."""
        self.type_postcard.yearly_budget = 1
        with freeze_time(NOW):
            campaign = self._campaign()
            campaign.action_confirm()
        self._run_cron("2026-10-06 03:00:00", CRON)
        pieces = self._pieces(campaign)
        self.assertEqual(pieces[self.soon].touchpoint_type_id, self.type_postcard)
        self.assertEqual(pieces[self.later].touchpoint_type_id, self.type_printed)
        self.assertIn("yearly budget", pieces[self.later].note)

    def test_done_pieces_and_end_of_the_year(self):
        with freeze_time(NOW):
            campaign = self._campaign(
                partner_domain=repr([("id", "in", self.soon.ids)])
            )
            campaign.action_confirm()
        card = campaign.piece_ids
        with freeze_time("2026-10-03 10:00:00"):
            card.activity_id.with_user(card.user_id).action_feedback(feedback="Sent")
        self.assertEqual(card.state, "done")
        self.assertEqual(card.touchpoint_id.campaign_id, campaign)
        # the campaign runs until its year is over
        self.assertEqual(campaign.state, "running")
        self._run_cron("2027-10-02 03:00:00", CRON)
        self.assertEqual(campaign.state, "done")

    def test_customer_since(self):
        """'Customer since' is the day of the first confirmed order: its
        anniversary from the year after."""
        with freeze_time(NOW):
            old = self._customer("Old Buyer")
            new = self._customer("New Buyer")
            self._order(old, "2024-10-10 10:00:00", 100.0)
            self._order(old, "2025-10-08 10:00:00", 100.0)
            self._order(new, "2026-10-09 10:00:00", 100.0)
            self.assertEqual(old.followup_customer_since, date(2024, 10, 10))
            campaign = self._campaign(
                name="Thank you for being our customer",
                anniversary_field="followup_customer_since",
                partner_domain=repr([("id", "in", (old | new).ids)]),
            )
            campaign.action_confirm()
        self.assertEqual(campaign.piece_ids.partner_id, old)
        self.assertEqual(campaign.piece_ids.send_date, date(2026, 10, 10))
        self.assertEqual(
            campaign.piece_ids.plan_date, fields.Date.to_date("2026-10-10")
        )
