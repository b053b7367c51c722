from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import FollowupTierCase

NOW = "2026-03-10 09:00:00"
TODAY = fields.Date.to_date("2026-03-10")


@tagged("post_install", "-at_install")
class TestCadenceContacts(FollowupTierCase):
    """Only the contacts that weigh enough for the tier keep its cadence; the
    others add their points and show as last contact."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tier_a.cadence_days = 180
        with freeze_time(NOW):
            cls.bistro = cls._customer("Bistro Aozora", followup_tier_id=cls.tier_a.id)
            cls._log(cls.bistro, cls.type_visit, "2025-06-01 10:00:00")

    @classmethod
    def _log(cls, partner, touchpoint_type, date, **vals):
        with freeze_time(NOW):
            return cls.env["customer.touchpoint"].create(
                {
                    "partner_id": partner.id,
                    "type_id": touchpoint_type.id,
                    "date": date,
                    **vals,
                }
            )

    def test_reminder_email_does_not_move_a_visit_cadence(self):
        self.assertEqual(
            self.bistro.next_followup_date, fields.Date.to_date("2025-11-28")
        )
        self._log(
            self.bistro, self.type_email, "2026-03-01 10:00:00", origin="reminder"
        )
        # the email is the last contact and adds its point...
        self.assertEqual(
            self.bistro.last_touchpoint_date, self._dt("2026-03-01 10:00:00")
        )
        self.assertEqual(
            self.bistro.last_cadence_contact_date, self._dt("2025-06-01 10:00:00")
        )
        # ...but the customer is still overdue for its visit
        self.assertEqual(
            self.bistro.next_followup_date, fields.Date.to_date("2025-11-28")
        )
        with freeze_time(NOW):
            self.assertEqual(self.bistro.followup_status, "overdue")
            overdue = self.env["res.partner"].search(
                [("followup_status", "in", ["overdue"]), ("id", "=", self.bistro.id)]
            )
            self.assertEqual(overdue, self.bistro)
        # a phone call (5) weighs less than the visit (10) either
        self._log(self.bistro, self.type_call, "2026-03-02 10:00:00")
        self.assertEqual(
            self.bistro.next_followup_date, fields.Date.to_date("2025-11-28")
        )
        # the visit does
        self._log(self.bistro, self.type_visit, "2026-03-05 10:00:00")
        self.assertEqual(
            self.bistro.next_followup_date, fields.Date.to_date("2026-09-01")
        )
        with freeze_time(NOW):
            self.assertEqual(self.bistro.followup_status, "on_track")

    def test_letters_stand_in_for_visits(self):
        self._log(self.bistro, self.type_letter, "2026-02-01 10:00:00")
        self.assertEqual(
            self.bistro.next_followup_date, fields.Date.to_date("2025-11-28")
        )
        self.tier_a.cadence_contact_type_id = self.type_letter
        self.assertEqual(self.tier_a.cadence_min_weight, 3.0)
        self.assertEqual(
            self.bistro.next_followup_date, fields.Date.to_date("2026-07-31")
        )
        # emails still do not
        self._log(self.bistro, self.type_email, "2026-03-01 10:00:00")
        self.assertEqual(
            self.bistro.next_followup_date, fields.Date.to_date("2026-07-31")
        )

    def test_heavier_contact_type_counts_after_a_change_of_weight(self):
        self.type_visit.weight = 12
        self.assertEqual(self.tier_a.cadence_min_weight, 12.0)
        # the visit of June weighed 10 when it was logged: history is kept
        self.assertFalse(self.bistro.last_cadence_contact_date)
        self.type_visit.weight = 10
        self.assertEqual(
            self.bistro.last_cadence_contact_date, self._dt("2025-06-01 10:00:00")
        )

    def test_customers_contacts_count_only_where_the_settings_say_so(self):
        reply = self._log(
            self.bistro,
            self.type_visit,
            "2026-03-03 10:00:00",
            direction="inbound",
            summary="The customer came to the shop",
        )
        self.assertEqual(self.bistro.last_touchpoint_date, reply.date)
        self.assertEqual(
            self.bistro.next_followup_date, fields.Date.to_date("2025-11-28")
        )
        self.company.followup_inbound_counts = True
        self.assertEqual(self.bistro.last_cadence_contact_date, reply.date)
        self.assertEqual(
            self.bistro.next_followup_date, fields.Date.to_date("2026-08-30")
        )

    def test_first_classification_counts_only_contacts_that_count(self):
        """The tier cron's set-based first classification agrees with the
        ORM computation."""
        with freeze_time(NOW):
            newcomer = self._customer("Newcomer")
            self._order(newcomer, "2026-03-01 10:00:00", 50000.0)
            self._log(newcomer, self.type_visit, "2025-12-01 10:00:00")
            self._log(newcomer, self.type_email, "2026-03-02 10:00:00")
        self.tier_a.min_score = 0
        (self.tier_b | self.tier_c).action_archive()
        self.env["customer.followup.scoring"]._recompute_followup_tiers(today=TODAY)
        self.env.invalidate_all()
        self.assertEqual(newcomer.followup_tier_id, self.tier_a)
        self.assertEqual(
            newcomer.last_cadence_contact_date, self._dt("2025-12-01 10:00:00")
        )
        self.assertEqual(newcomer.next_followup_date, fields.Date.to_date("2026-05-30"))
        # the ORM says the same
        newcomer.invalidate_recordset()
        self.env.add_to_compute(newcomer._fields["last_cadence_contact_date"], newcomer)
        self.assertEqual(newcomer.next_followup_date, fields.Date.to_date("2026-05-30"))
