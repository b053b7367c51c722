from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

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

    def test_the_contact_planned_instead_of_a_refused_one_counts(self):
        """A customer who refuses postal mail in a postcard tier is sent
        emails instead: they keep its cadence, or it would be due forever."""
        with freeze_time(NOW):
            no_postal = self._customer(
                "Green Leaf Deli",
                followup_tier_id=self.tier_b.id,
                followup_no_postal=True,
                followup_no_call=True,
                followup_no_visit=True,
            )
        self._log(no_postal, self.type_email, "2026-03-01 10:00:00")
        self.assertEqual(
            no_postal.last_cadence_contact_date, self._dt("2026-03-01 10:00:00")
        )
        self.assertEqual(
            no_postal.next_followup_date, fields.Date.to_date("2026-04-30")
        )
        # allowed again: the postcard counts, the email no longer does
        no_postal.followup_no_postal = False
        self.assertFalse(no_postal.last_cadence_contact_date)

    def test_first_classification_of_a_customer_refusing_the_planned_contact(self):
        with freeze_time(NOW):
            refusing = self._customer(
                "Green Leaf Deli",
                followup_no_postal=True,
                followup_no_call=True,
                followup_no_visit=True,
            )
            self._order(refusing, "2026-03-01 10:00:00", 50000.0)
            self._log(refusing, self.type_email, "2026-03-02 10:00:00")
        self.tier_b.min_score = 0
        (self.tier_a | self.tier_c).action_archive()
        with freeze_time(NOW):
            self.env["customer.followup.scoring"]._recompute_followup_tiers(today=TODAY)
        self.env.invalidate_all()
        self.assertEqual(refusing.followup_tier_id, self.tier_b)
        # the emails the planner sends instead of postcards keep the cadence
        self.assertEqual(
            refusing.last_cadence_contact_date, self._dt("2026-03-02 10:00:00")
        )
        self.assertEqual(refusing.next_followup_date, fields.Date.to_date("2026-05-01"))

    def test_contacts_inserted_in_sql_move_the_dates_as_the_orm_would(self):
        """The campaign's emails are inserted in SQL and the customers'
        dates brought forward in one statement: the same dates as the ORM
        computation, in the shop's day (Tokyo), for a contact that does not
        count, one that does, an older one, a customer without a tier and
        one refusing the tier's contact (left to the ORM)."""
        self.company.followup_tz = "Asia/Tokyo"
        with freeze_time(NOW):
            fresh = self._customer("Fresh Start", followup_tier_id=self.tier_a.id)
            untiered = self._customer("No Tier Yet")
            refusing = self._customer(
                "Green Leaf Deli",
                followup_tier_id=self.tier_a.id,
                followup_no_visit=True,
            )
            self._log(refusing, self.type_letter, "2025-12-01 10:00:00")
            recent = self._customer("Recent Visit", followup_tier_id=self.tier_a.id)
            self._log(recent, self.type_visit, "2026-03-08 10:00:00")
        customers = self.bistro | fresh | untiered | refusing | recent
        inserted = [
            # an email: the bistro's last contact, not its visit cadence
            (self.bistro, self.type_email, "2026-03-09 16:00:00", "outbound"),
            # a visit at 01:00 in Tokyo: the shop's day is March 10th, the
            # next one 180 days later
            (fresh, self.type_visit, "2026-03-09 16:00:00", "outbound"),
            (untiered, self.type_email, "2026-03-09 16:00:00", "outbound"),
            (refusing, self.type_letter, "2026-03-09 16:00:00", "outbound"),
            # older than the visit on record: nothing moves back
            (recent, self.type_visit, "2026-02-01 10:00:00", "outbound"),
            # the customer's own visit does not keep the cadence
            (untiered, self.type_visit, "2026-03-01 10:00:00", "inbound"),
        ]
        self.env.flush_all()
        ids = [
            self.env.execute_query(
                SQL(
                    """
                    INSERT INTO customer_touchpoint (
                        partner_id, type_id, channel, weight, origin,
                        direction, date, company_id)
                    VALUES (%s, %s, %s, %s, 'campaign', %s, %s, %s)
                    RETURNING id
                    """,
                    partner.id,
                    touchpoint_type.id,
                    touchpoint_type.channel,
                    touchpoint_type.weight,
                    direction,
                    date,
                    self.company.id,
                )
            )[0][0]
            for partner, touchpoint_type, date, direction in inserted
        ]
        self.env["res.partner"].invalidate_model(["touchpoint_ids"])
        with freeze_time(NOW):
            self.env["res.partner"]._followup_touchpoints_inserted(ids)
            self.env.flush_all()
        names = [
            "last_touchpoint_date",
            "last_cadence_contact_date",
            "next_followup_date",
        ]
        in_sql = {partner: partner.read(names)[0] for partner in customers}
        self.assertEqual(
            in_sql[fresh]["next_followup_date"], fields.Date.to_date("2026-09-06")
        )
        self.assertEqual(
            in_sql[self.bistro]["last_touchpoint_date"], self._dt("2026-03-09 16:00:00")
        )
        self.assertEqual(
            in_sql[self.bistro]["next_followup_date"], fields.Date.to_date("2025-11-28")
        )
        self.assertEqual(
            in_sql[recent]["last_cadence_contact_date"], self._dt("2026-03-08 10:00:00")
        )
        self.assertFalse(in_sql[untiered]["next_followup_date"])
        # the ORM computes the same
        customers.invalidate_recordset(names)
        with freeze_time(NOW):
            for name in names:
                self.env.add_to_compute(customers._fields[name], customers)
            self.env.flush_all()
        self.assertEqual({p: p.read(names)[0] for p in customers}, in_sql)
