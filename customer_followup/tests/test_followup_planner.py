import logging
from datetime import timedelta

import psycopg2
from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FollowupTierCase, load_japanese

_logger = logging.getLogger(__name__)

NOW = "2026-03-10 09:00:00"
TODAY = fields.Date.to_date("2026-03-10")
PLAN = "customer_followup.ir_cron_plan_followups"


@tagged("post_install", "-at_install")
class TestFollowupPlanner(FollowupTierCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(NOW):
            cls.key = cls._customer("Key Customer", followup_tier_id=cls.tier_a.id)
            cls.order = cls._order(cls.key, "2026-02-01 10:00:00", 1000.0)
            cls.quotation = cls.env["sale.order"].create({"partner_id": cls.key.id})
            cls.opportunity = cls.env["crm.lead"].create(
                {
                    "name": "New cooker line",
                    "type": "opportunity",
                    "partner_id": cls.key.id,
                }
            )
            cls.env["customer.touchpoint"].create(
                {
                    "partner_id": cls.key.id,
                    "type_id": cls.type_visit.id,
                    "date": "2026-02-05 10:00:00",
                }
            )
            cls.later = cls._customer("Later Customer", followup_tier_id=cls.tier_a.id)
            cls.env["customer.touchpoint"].create(
                {
                    "partner_id": cls.later.id,
                    "type_id": cls.type_visit.id,
                    "date": "2026-03-01 10:00:00",
                }
            )
            cls.untiered = cls._customer("Untiered Customer")
            cls.not_followed = cls._customer(
                "D Customer", followup_tier_id=cls.tier_c.id
            )

    def test_one_activity_per_due_customer(self):
        self.assertEqual(self.key.next_followup_date, fields.Date.to_date("2026-03-07"))
        self._run_cron(NOW, PLAN)
        activity = self._planned_activities(self.key)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(activity.activity_type_id, self.type_visit.activity_type_id)
        # due on the 7th: planned today, never in the past
        self.assertEqual(self.key.next_followup_date, fields.Date.to_date("2026-03-07"))
        self.assertEqual(activity.date_deadline, TODAY)
        self.assertEqual(activity.followup_plan_date, TODAY)
        self.assertEqual(activity.followup_touchpoint_type_id, self.type_visit)
        for text in (
            "Tier TA",
            "due since 03/07/2026 (3 days)",
            "33 days ago (Face-to-face visit)",
            self.order.name,
            "open quotations: 1",
            "New cooker line",
        ):
            self.assertIn(text, activity.summary)
        self.assertIn(
            self.key,
            self.salesman.with_user(self.salesman)
            .env["res.partner"]
            .search([("activity_user_id", "=", self.salesman.id)]),
        )
        # Not due within the horizon, not tiered, tier without contact: nothing.
        others = self.later | self.untiered | self.not_followed
        self.assertFalse(self._planned_activities(others))
        self.assertFalse(self.key.followup_deferred_reason)

    def test_activity_is_written_in_the_salespersons_language(self):
        load_japanese(self.env)
        self.salesman.lang = "ja_JP"
        self._run_cron(NOW, PLAN)
        summary = self._planned_activities(self.key).summary
        self.assertIn("ランク: 対面訪問", summary)
        self.assertIn("最終接点 33 日前（対面訪問）", summary)
        self.assertNotIn("Tier", summary)

    def test_rerun_is_idempotent(self):
        self._run_cron(NOW, PLAN)
        activities = self._planned_activities()
        self._run_cron(NOW, PLAN)
        self._run_cron("2026-03-11 09:00:00", PLAN)
        self.assertEqual(self._planned_activities(), activities)

    def test_done_moves_next_date(self):
        self._run_cron(NOW, PLAN)
        activity = self._planned_activities(self.key)
        # 14:00 on 12 March in Tokyo
        with freeze_time("2026-03-12 05:00:00"):
            activity.with_user(self.salesman).action_feedback(feedback="Went well")
        touchpoint = self.key.touchpoint_ids.filtered(
            lambda t: t.activity_id == activity
        )
        self.assertEqual(touchpoint.type_id, self.type_visit)
        self.assertEqual(self.key.next_followup_date, fields.Date.to_date("2026-04-11"))
        self.assertFalse(self._planned_activities(self.key))
        self._run_cron("2026-03-13 09:00:00", PLAN)
        self.assertFalse(self._planned_activities(self.key))
        self._run_cron("2026-04-05 09:00:00", PLAN)
        self.assertEqual(len(self._planned_activities(self.key)), 1)
        self.assertEqual(len(self._planned_activities(self.key, active=None)), 2)

    def test_contact_logged_by_hand_closes_the_planned_follow_up(self):
        self._run_cron(NOW, PLAN)
        activity = self._planned_activities(self.key)
        self.assertEqual(len(activity), 1)
        touchpoints = self.env["customer.touchpoint"].with_user(self.salesman)
        with freeze_time("2026-03-12 05:00:00"):
            # an email does not keep a key customer's cadence: still due
            touchpoints.create(
                {"partner_id": self.key.id, "type_id": self.type_email.id}
            )
            self.assertTrue(activity.exists())
            # a visit logged by hand does: on track until 11 April
            touchpoints.create(
                {"partner_id": self.key.id, "type_id": self.type_visit.id}
            )
            self.assertEqual(self.key.followup_status, "on_track")
        self.assertFalse(activity.exists())
        self.assertFalse(self._planned_activities(self.key))
        self.assertIn(
            "Planned follow-up closed: the contact of 03/12/2026 counts, the next "
            "follow-up is due on 04/11/2026.",
            self.key.message_ids[0].body,
        )

    def test_closed_follow_up_note_in_the_salespersons_language(self):
        """A contact logged by a scheduled action (here the administrator in
        English) closes the Japanese salesperson's follow-up with a note in
        Japanese, the salesperson's."""
        load_japanese(self.env)
        self.salesman.lang = "ja_JP"
        self._run_cron(NOW, PLAN)
        with freeze_time("2026-03-12 05:00:00"):
            self.env["customer.touchpoint"].with_context(lang="en_US").create(
                {
                    "partner_id": self.key.id,
                    "type_id": self.type_visit.id,
                    "user_id": self.salesman.id,
                }
            )
        self.assertFalse(self._planned_activities(self.key))
        self.assertIn(
            "計画済みのフォローアップを終了しました：2026/03/12 の接点がカウントされ、"
            "次回のフォローアップは 2026/04/11 です。",
            self.key.message_ids[0].body,
        )

    def test_capacity_priority_and_deferred_reason(self):
        # Postcards: capacity 2 a month per salesperson, on the 1st and the
        # 12th working day of each month: 17 March and 1 April in the horizon.
        self.company.followup_horizon_days = 30
        with freeze_time(NOW):
            customers = self.env["res.partner"]
            for name, last_contact, score in (
                ("Postcard low score", "2026-01-01 10:00:00", 45.0),
                ("Postcard most overdue", "2025-12-01 10:00:00", 41.0),
                ("Postcard high score", "2026-01-01 10:00:00", 60.0),
                ("Postcard least overdue", "2026-01-08 10:00:00", 69.0),
            ):
                partner = self._customer(name, followup_tier_id=self.tier_b.id)
                partner.followup_score = score
                self.env["customer.touchpoint"].create(
                    {
                        "partner_id": partner.id,
                        "type_id": self.type_postcard.id,
                        "date": last_contact,
                    }
                )
                customers |= partner
        low, most_overdue, high, least_overdue = customers
        self._run_cron(NOW, PLAN)
        planned = self._planned_activities(customers)
        self.assertEqual(
            self.env["res.partner"].browse(planned.mapped("res_id")),
            most_overdue | high,
        )
        self.assertEqual(
            planned.mapped("date_deadline"),
            [fields.Date.to_date("2026-03-17"), fields.Date.to_date("2026-04-01")],
        )
        for partner in low | least_overdue:
            self.assertEqual(
                partner.followup_deferred_reason,
                "Deferred: the Handwritten postcard capacity of Sato Salesman "
                "(2 a month) is used up until 04/09/2026",
            )
        self.assertIn(
            low,
            self.env["res.partner"].search([("followup_deferred_reason", "!=", False)]),
        )
        # The key customer (tier A) is planned whatever the postcard load.
        self.assertTrue(self._planned_activities(self.key))
        # Done ones still count for the month.
        planned[0].action_feedback()
        self._run_cron("2026-03-11 09:00:00", PLAN)
        self.assertEqual(len(self._planned_activities(customers, active=None)), 2)
        # Next month, capacity is available again: the next in line is planned.
        self._run_cron("2026-04-01 09:00:00", PLAN)
        planned_april = self._planned_activities(customers) - planned
        self.assertEqual(
            self.env["res.partner"].browse(planned_april.mapped("res_id")),
            low | least_overdue,
        )
        self.assertFalse(low.followup_deferred_reason)
        # Another salesperson has their own capacity.
        self.assertEqual(set(planned_april.mapped("user_id").ids), {self.salesman.id})

    def test_yearly_budget_counts_campaigns_and_follow_ups(self):
        """The yearly budget of a contact holds for the planner too,
        campaigns' pieces and planned follow-ups together (found by the
        simulation, issue 25): the customers beyond it get the next allowed
        contact, with the reason, and the budget again in the next year."""
        self.company.followup_horizon_days = 30
        self.type_postcard.write({"capacity_per_user_month": 0, "yearly_budget": 3})
        with freeze_time(NOW):
            customers = self.env["res.partner"]
            for number in range(4):
                partner = self._customer(
                    f"Budget Customer {number}", followup_tier_id=self.tier_b.id
                )
                self.env["customer.touchpoint"].create(
                    {
                        "partner_id": partner.id,
                        "type_id": self.type_postcard.id,
                        "date": "2025-12-01 10:00:00",
                    }
                )
                customers |= partner
            # a campaign's postcard sent this year counts
            campaign = self.env["customer.followup.campaign"].create(
                {"name": "Spring cards", "send_date": "2026-04-01"}
            )
            self.env["customer.followup.campaign.piece"].create(
                {
                    "campaign_id": campaign.id,
                    "partner_id": self.key.id,
                    "touchpoint_type_id": self.type_postcard.id,
                    "kind": "personal",
                    "user_id": self.salesman.id,
                    "plan_date": "2026-03-20",
                }
            )
        self._run_cron(NOW, PLAN)
        planned = self._planned_activities(customers)
        postcards = planned.filtered(
            lambda a: a.followup_touchpoint_type_id == self.type_postcard
        )
        self.assertEqual(len(postcards), 2, "3 a year, one taken by the campaign")
        others = planned - postcards
        self.assertEqual(len(others), 2)
        # the policy's next contact not heavier: the personal letter
        self.assertEqual(others.followup_touchpoint_type_id, self.type_letter)
        self.assertIn(
            "the yearly budget of 3 Handwritten postcard in 2026 is used up",
            str(others.mapped("note")),
        )
        # done ones still count; a new year has a new budget
        planned.action_feedback()
        self.assertEqual(
            self.env["customer.followup.ledger"]._budget_used(
                self.company, self.type_postcard, 2026
            )[self.type_postcard.id],
            3,
        )
        self.assertFalse(
            self.env["customer.followup.ledger"]._budget_used(
                self.company, self.type_postcard, 2027
            )[self.type_postcard.id]
        )

    def test_opt_outs(self):
        with freeze_time(NOW):
            no_visit = self._customer(
                "No Visit", followup_tier_id=self.tier_a.id, followup_no_visit=True
            )
            nothing = self._customer(
                "Nothing allowed",
                followup_tier_id=self.tier_a.id,
                followup_no_visit=True,
                followup_no_call=True,
                followup_no_postal=True,
                email=False,
            )
            blacklisted = self._customer(
                "Blacklisted",
                followup_tier_id=self.tier_a.id,
                followup_no_visit=True,
                followup_no_call=True,
                followup_no_postal=True,
            )
            self.env["mail.blacklist"].create({"email": blacklisted.email})
        self._run_cron(NOW, PLAN)
        activity = self._planned_activities(no_visit)
        self.assertEqual(activity.followup_touchpoint_type_id, self.type_call)
        self.assertEqual(
            no_visit.followup_plan_note,
            "Face-to-face visit not allowed (opted out of visits): Phone call instead",
        )
        self.assertFalse(self._planned_activities(nothing | blacklisted))
        self.assertEqual(
            nothing.followup_plan_note,
            "Not planned: no allowed contact (opted out of visits, opted out of "
            "calls, opted out of postal mail, no email address)",
        )
        self.assertIn("email blacklisted", blacklisted.followup_plan_note)

    def test_salesperson_fallback_and_archived(self):
        with freeze_time(NOW):
            orphan = self._customer(
                "Orphan", followup_tier_id=self.tier_a.id, user_id=False
            )
            archived = self._customer("Archived", followup_tier_id=self.tier_a.id)
            archived.action_archive()
        self._run_cron(NOW, PLAN)
        self.assertFalse(self._planned_activities(orphan | archived))
        self.assertEqual(
            orphan.followup_plan_note,
            "Not planned: no salesperson and no fallback salesperson in the settings",
        )
        self.assertEqual(archived.followup_plan_note, "Not planned: archived customer")
        self.company.followup_user_id = self.salesman_2
        self._run_cron("2026-03-11 09:00:00", PLAN)
        activity = self._planned_activities(orphan)
        self.assertEqual(activity.user_id, self.salesman_2)
        self.assertEqual(
            orphan.followup_plan_note, "No salesperson: assigned to Ben Seller"
        )

    def test_no_second_open_planner_activity(self):
        self._run_cron(NOW, PLAN)
        activity = self._planned_activities(self.key)
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.cr.savepoint(),
            mute_logger("odoo.sql_db"),
        ):
            activity.copy({"followup_planned": True})


@tagged("post_install", "-at_install")
class TestFollowupPlannerQueries(FollowupTierCase):
    def _count_queries(self, count, expected):
        with freeze_time(NOW):
            self.env["res.partner"].create(
                [
                    {
                        "name": f"Due customer {count}-{i}",
                        "is_company": True,
                        "user_id": (self.salesman, self.salesman_2)[i % 2].id,
                        "email": f"due{count}-{i}@example.com",
                        "followup_tier_id": (self.tier_a, self.tier_b)[i % 2].id,
                    }
                    for i in range(count)
                ]
            )
            self.env.flush_all()
        before = self.cr.sql_log_count
        self._run_cron(NOW, PLAN)
        queries = self.cr.sql_log_count - before
        self.assertEqual(len(self._planned_activities()), expected)
        return queries

    def test_batched_queries(self):
        self.type_postcard.capacity_per_user_month = 2
        # one postcard slot in the horizon (17 March)
        queries_10 = self._count_queries(10, 5 + 1)
        self._planned_activities().action_feedback()
        self.type_postcard.capacity_per_user_month = 4
        # Four a month fall on 2, 9, 17 and 24 March: the one in the horizon
        # is used by run 1.
        queries_100 = self._count_queries(100, 50)
        _logger.info(
            "planner cron: %s queries for 10 customers, %s for 100",
            queries_10,
            queries_100,
        )
        self.assertLess(queries_100, 2 * queries_10, (queries_10, queries_100))


@tagged("post_install", "-at_install")
class TestPlannerSpreading(FollowupTierCase):
    """Activities are born on time: never before today, a backlog spread over
    the working days of the horizon within the salesperson's capacity."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.followup_horizon_days = 30
        cls.type_visit.capacity_per_user_month = 20
        with freeze_time(NOW):
            cls.backlog = cls.env["res.partner"]
            for i in range(40):
                partner = cls._customer(
                    f"Backlog {i:02d}", followup_tier_id=cls.tier_a.id
                )
                # the lower i, the longer ago the last visit
                cls.env["customer.touchpoint"].create(
                    {
                        "partner_id": partner.id,
                        "type_id": cls.type_visit.id,
                        "date": fields.Datetime.to_datetime("2025-06-01 10:00:00")
                        + timedelta(days=3 * i),
                    }
                )
                cls.backlog |= partner
            cls.env.flush_all()

    def test_backlog_spread_over_the_horizon_most_important_first(self):
        self.assertTrue(
            all(p.next_followup_date < TODAY for p in self.backlog), "all overdue"
        )
        self._run_cron(NOW, PLAN)
        activities = self._planned_activities(self.backlog)
        by_partner = {a.res_id: a.date_deadline for a in activities}
        deadlines = [by_partner.get(p.id) for p in self.backlog]
        planned = [d for d in deadlines if d]
        # never before today, only on working days, at most one a day (20 a
        # month over 22 working days), within the 30 days of the horizon
        self.assertTrue(planned)
        self.assertGreaterEqual(min(planned), TODAY)
        self.assertLessEqual(max(planned), fields.Date.add(TODAY, days=30))
        self.assertTrue(all(d.weekday() < 5 for d in planned))
        self.assertEqual(len(set(planned)), len(planned))
        # the most overdue first: planned ones before deferred ones, in order
        self.assertEqual(deadlines[: len(planned)], sorted(planned))
        self.assertFalse(any(deadlines[len(planned) :]))
        # today's slot goes to the most overdue customer
        self.assertEqual(deadlines[0], TODAY)
        # March: 20 over 22 working days leaves two without a visit; the
        # horizon (10 March to 9 April) holds 16 + 7 - 1 = 22 working days
        march = [d for d in planned if d.month == 3]
        april = [d for d in planned if d.month == 4]
        self.assertEqual(len(march), 14)
        self.assertEqual(len(april), 7)
        deferred = self.backlog.filtered("followup_deferred_reason")
        self.assertEqual(len(deferred), 40 - len(planned))
        self.assertIn("used up until 04/09/2026", deferred[0].followup_deferred_reason)
        # the summary keeps how late the customer is
        first = activities.filtered(lambda a: a.res_id == self.backlog[0].id)
        self.assertIn("due since", first.summary)
        # the next days' runs do not plan twice nor move the planned ones
        self._run_cron("2026-03-11 09:00:00", PLAN)
        again = self._planned_activities(self.backlog)
        self.assertEqual(
            {a.res_id: a.date_deadline for a in again if a.res_id in by_partner},
            by_partner,
        )

    def test_no_activity_before_today_on_a_weekend(self):
        """Unlimited capacity: due customers go on the first working day."""
        self.type_visit.capacity_per_user_month = 0
        saturday = "2026-03-14 09:00:00"
        self._run_cron(saturday, PLAN)
        deadlines = set(self._planned_activities(self.backlog).mapped("date_deadline"))
        self.assertEqual(deadlines, {fields.Date.to_date("2026-03-16")})
