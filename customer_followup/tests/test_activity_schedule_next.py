from datetime import date

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import FollowupTierCase

PLANNER_CRON = "customer_followup.ir_cron_plan_followups"


@tagged("post_install", "-at_install")
class TestActivityScheduleNext(FollowupTierCase):
    """ "Done & Schedule Next" on a planned follow-up proposes the customer's
    next planned contact, due when the tier's cadence says."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loyal = cls._customer("Loyal Fan", followup_tier_id=cls.tier_b.id)

    def _planned(self, partner, touchpoint_type, deadline):
        return (
            self.env["mail.activity"]
            .sudo()
            .create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": partner.id,
                    "activity_type_id": touchpoint_type.activity_type_id.id,
                    "user_id": self.salesman.id,
                    "date_deadline": deadline,
                    "followup_planned": True,
                    "followup_touchpoint_type_id": touchpoint_type.id,
                    "followup_plan_date": deadline,
                }
            )
        )

    def _done_and_schedule_next(self, activity, user=None):
        activity = activity.with_user(user or self.salesman)
        action = activity.action_feedback_schedule_next(
            feedback="Thanked for the order"
        )
        self.assertEqual(action["res_model"], "mail.activity")
        return Form(
            self.env["mail.activity"]
            .with_user(user or self.salesman)
            .with_context(**action["context"])
        )

    @freeze_time("2026-05-20 10:00:00")
    def test_next_follow_up_from_the_tier_cadence(self):
        # planned eight months ago and done today
        activity = self._planned(self.loyal, self.type_postcard, date(2025, 9, 22))
        form = self._done_and_schedule_next(activity)
        # the contact is logged: the next follow-up is today + the cadence
        self.assertEqual(self.loyal.next_followup_date, date(2026, 7, 19))
        self.assertEqual(form.activity_type_id, self.type_postcard.activity_type_id)
        self.assertEqual(form.date_deadline, self.loyal.next_followup_date)
        self.assertEqual(form.user_id, self.salesman)
        self.assertIn("Tier TB", form.summary)
        next_activity = form.save()
        self.assertTrue(next_activity.followup_planned)
        self.assertEqual(next_activity.followup_touchpoint_type_id, self.type_postcard)
        self.assertEqual(next_activity.followup_plan_date, date(2026, 7, 19))
        self.assertEqual(self._planned_activities(self.loyal), next_activity)
        # when it comes due, the planner does not plan a second one
        self._run_cron("2026-07-15 03:00:00", PLANNER_CRON)
        self.assertEqual(self._planned_activities(self.loyal), next_activity)

    @freeze_time("2026-05-20 10:00:00")
    def test_never_proposes_a_past_date(self):
        self.tier_b.cadence_days = 1
        activity = self._planned(self.loyal, self.type_postcard, date(2025, 9, 22))
        form = self._done_and_schedule_next(activity)
        self.assertEqual(form.date_deadline, date(2026, 5, 21))
        # another kind of activity chosen instead: not a planned follow-up
        form.activity_type_id = self.env.ref("mail.mail_activity_data_todo")
        self.assertGreaterEqual(form.date_deadline, date(2026, 5, 20))
        self.assertFalse(form.save().followup_planned)

    @freeze_time("2026-05-20 10:00:00")
    def test_next_contact_the_customer_accepts(self):
        # the tier plans postcards, the customer refuses postal mail: the
        # planner's fallback (email) is proposed; that email keeps the tier's
        # cadence (60 days) for this customer
        self.loyal.followup_no_postal = True
        activity = self._planned(self.loyal, self.type_email, date(2026, 5, 18))
        form = self._done_and_schedule_next(activity)
        self.assertEqual(form.activity_type_id, self.type_email.activity_type_id)
        self.assertEqual(self.loyal.next_followup_date, date(2026, 7, 19))
        self.assertEqual(form.date_deadline, date(2026, 7, 19))
        self.assertEqual(form.save().followup_touchpoint_type_id, self.type_email)

    @freeze_time("2026-05-20 10:00:00")
    def test_other_activities_keep_odoo_behaviour(self):
        activity = self.loyal.activity_schedule(
            "customer_followup.mail_activity_type_postcard",
            date_deadline=date(2026, 5, 1),
            user_id=self.salesman.id,
        )
        form = self._done_and_schedule_next(activity)
        next_activity = form.save()
        self.assertFalse(next_activity.followup_planned)
        self.assertNotEqual(next_activity.date_deadline, date(2026, 7, 19))
