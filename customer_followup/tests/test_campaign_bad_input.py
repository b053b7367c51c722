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
        self.assertFalse(campaign.mailing_id)
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
