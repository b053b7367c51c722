from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .test_campaign import NOW, CampaignCase


@tagged("post_install", "-at_install")
class TestCampaignBadInput(CampaignCase):
    """Bad input gets a clear message and writes nothing."""

    def _assert_nothing_written(self, campaign):
        self.assertEqual(campaign.state, "draft")
        self.assertFalse(campaign.piece_ids)
        self.assertFalse(self._queued_mails())
        self.assertFalse(
            self.env["mail.activity"].search([("res_id", "in", self.all_customers.ids)])
        )

    def test_no_audience(self):
        with freeze_time(NOW):
            campaign = self._campaign(partner_domain="[('name', '=', 'Nobody')]")
            with self.assertRaisesText(UserError, "has no audience"):
                campaign.action_confirm()
        self._assert_nothing_written(campaign)

    def test_send_date_in_the_past_for_a_new_campaign(self):
        with (
            freeze_time(NOW),
            self.assertRaisesText(
                ValidationError, "The send date of a new campaign cannot be in the past"
            ),
        ):
            self._campaign(send_date="2026-09-30")
        self.assertFalse(self.env["customer.followup.campaign"].search([]))

    def test_send_date_past_at_confirmation(self):
        with freeze_time(NOW):
            campaign = self._campaign()
        with freeze_time("2026-11-02 09:00:00"):
            with self.assertRaisesText(UserError, "is past"):
                campaign.action_confirm()
        self._assert_nothing_written(campaign)

    def test_line_without_content(self):
        with freeze_time(NOW):
            campaign = self._campaign(message="<p><br></p>")
            with self.assertRaisesText(UserError, "has no message"):
                campaign.action_confirm()
            self._assert_nothing_written(campaign)
            campaign.write({"message": "<p>Hello</p>", "line_ids": [Command.clear()]})
            with self.assertRaisesText(UserError, "has no contact per tier"):
                campaign.action_confirm()
        self._assert_nothing_written(campaign)

    def test_negative_budget_and_window(self):
        with self.assertRaisesText(
            ValidationError, "Yearly Budget must be between 0 and 1,000,000."
        ):
            self.type_postcard.yearly_budget = -1
        with freeze_time(NOW):
            with self.assertRaisesText(
                ValidationError, "Response Window (days) must be between 0 and 3,650."
            ):
                self._campaign(response_days=-1)
            campaign = self._campaign()
            with self.assertRaisesText(
                ValidationError, "Response Window (days) must be between 0 and 3,650."
            ):
                campaign.response_days = -5
        self.assertEqual(campaign.response_days, 30)

    def test_invalid_filter(self):
        with (
            freeze_time(NOW),
            self.assertRaisesText(ValidationError, "are not a valid filter"),
        ):
            self._campaign(partner_domain="[('name', '=',")

    def test_anniversary_without_a_date(self):
        with freeze_time(NOW):
            campaign = self._campaign(timing="anniversary")
            with self.assertRaisesText(UserError, "choose the date of the customers"):
                campaign.action_confirm()
        self._assert_nothing_written(campaign)
        with (
            freeze_time(NOW),
            self.assertRaisesText(
                ValidationError, "Days Ahead must be between 0 and 365."
            ),
        ):
            self._campaign(
                timing="anniversary",
                anniversary_field="followup_customer_since",
                anniversary_days_before=-1,
            )
        # nobody of the audience has the date
        with freeze_time(NOW):
            campaign = self._campaign(
                timing="anniversary", anniversary_field="followup_customer_since"
            )
            with self.assertRaisesText(UserError, "has no audience"):
                campaign.action_confirm()
        self._assert_nothing_written(campaign)

    def test_posting_window_backwards(self):
        with (
            freeze_time(NOW),
            self.assertRaisesText(ValidationError, "ends before it starts"),
        ):
            self._campaign(post_date_start="2026-10-20", post_date_end="2026-10-10")
        self.assertFalse(self.env["customer.followup.campaign"].search([]))
        with freeze_time(NOW):
            campaign = self._campaign(post_date_start="2026-10-20")
            with self.assertRaisesText(ValidationError, "ends before it starts"):
                campaign.post_date_end = "2026-10-19"
        self.assertFalse(campaign.post_date_end)

    def test_template_days_and_mourning_date(self):
        template = self.env.ref("customer_followup.campaign_template_new_year")
        with self.assertRaisesText(ValidationError, "are not days of the calendar"):
            template.write({"send_month": 2, "send_day": 30})
        with self.assertRaisesText(
            ValidationError, "Send Month must be between 1 and 12."
        ):
            template.send_month = 13
        with self.assertRaisesText(ValidationError, "Mourning Notice must be between"):
            self.customers["TA"][0].followup_mourning_date = "1800-01-01"
        self.assertEqual((template.send_month, template.send_day), (1, 1))
