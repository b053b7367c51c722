from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import FollowupTierCase
from .test_migration_ranges import load_migration, ship_template_body_as_before


@tagged("post_install", "-at_install")
class TestMigrationCadence(FollowupTierCase):
    """19.0.1.3.0 recomputes the next follow-up dates that 19.0.1.2.0 counted
    from any touchpoint, reminder emails included, and corrects the shipped
    reminder template."""

    def test_next_followup_counts_from_the_last_contact_that_counts(self):
        with freeze_time("2026-03-10 09:00:00"):
            customer = self._customer("Bistro Aozora", followup_tier_id=self.tier_a.id)
            self.env["customer.touchpoint"].create(
                [
                    {
                        "partner_id": customer.id,
                        "type_id": self.type_visit.id,
                        "date": "2026-01-05 10:00:00",
                    },
                    {
                        "partner_id": customer.id,
                        "type_id": self.type_email.id,
                        "date": "2026-03-01 10:00:00",
                        "origin": "reminder",
                    },
                ]
            )
            self.env.flush_all()
        # as 19.0.1.2.0 left it: the reminder email set the next follow-up
        self.env.cr.execute(
            """UPDATE res_partner
                  SET next_followup_date = '2026-03-31',
                      last_cadence_contact_date = NULL
                WHERE id = %s""",
            [customer.id],
        )
        self.env.invalidate_all()
        load_migration("19.0.1.3.0", "post-cadence-contacts").migrate(
            self.env.cr, "19.0.1.2.0"
        )
        self.env.invalidate_all()
        self.assertEqual(
            customer.last_cadence_contact_date, self._dt("2026-01-05 10:00:00")
        )
        self.assertEqual(customer.next_followup_date, fields.Date.to_date("2026-02-04"))

    def test_reminder_template_renders_without_quotation(self):
        template = self.env.ref("customer_followup.mail_template_replacement_reminder")
        module = load_migration("19.0.1.3.0", "post-reminder-template")
        # the body as 19.0.1.2.0 shipped it
        ship_template_body_as_before(template, module)
        self.assertNotIn(module.NEW, template.body_html)
        for _run in range(2):
            module.migrate(self.env.cr, "19.0.1.2.0")
            self.assertIn(module.NEW, template.body_html)
            self.assertEqual(template.body_html.count(module.NEW), 1)
