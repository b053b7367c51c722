from freezegun import freeze_time

from odoo.tests import tagged

from .common import FollowupCase


@tagged("post_install", "-at_install")
class TestRoughEdges(FollowupCase):
    """Small things a new user stumbles on."""

    def test_part_named_after_its_product_is_not_repeated(self):
        self._sell(self.customer, self.cooker)
        cycle = self._cycles(rule=self.gasket_rule)
        self.assertEqual(len(cycle), 1)
        reminder = self.env["customer.replacement.reminder"]
        with freeze_time("2025-12-20 09:00:00"):
            self.assertEqual(
                reminder._summary(cycle),
                "Replace the Rubber Gasket PC-600 of Pressure Cooker 6 L",
            )
            self.gasket.name = "Gasket for pressure cooker 6 L"
            self.assertEqual(
                reminder._summary(cycle), "Replace the Gasket for pressure cooker 6 L"
            )

    def test_scheduled_actions_share_one_naming_scheme(self):
        crons = self.env["ir.cron"].search([("id", "in", self._module_ids("ir.cron"))])
        self.assertGreaterEqual(len(crons), 8)
        for cron in crons.with_context(lang="en_US"):
            self.assertTrue(cron.name.startswith("Customer Follow-up: "), cron.name)
            # one scheme: a lower-case sentence after the prefix
            rest = cron.name.removeprefix("Customer Follow-up: ")
            self.assertEqual(rest[0], rest[0].lower(), cron.name)

    def _module_ids(self, model):
        return (
            self.env["ir.model.data"]
            .search([("module", "=", "customer_followup"), ("model", "=", model)])
            .mapped("res_id")
        )

    def test_greeting_template_note_is_its_etiquette(self):
        field = self.env["customer.followup.campaign.template"]._fields["custom"]
        self.assertEqual(field.string, "Etiquette")
