from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import FollowupTierCase


@tagged("post_install", "-at_install")
class TestCallOutcome(FollowupTierCase):
    """Each shipped outcome of a call, and what follows from it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shop = cls._customer("Hanamaru Ramen", followup_tier_id=cls.tier_b.id)
        cls.env["customer.touchpoint"].create(
            {
                "partner_id": cls.shop.id,
                "type_id": cls.type_visit.id,
                "date": "2026-09-01 02:00:00",
                "user_id": cls.salesman.id,
            }
        )
        cls.outcomes = {
            code: cls.env.ref(f"customer_followup.call_outcome_{code}")
            for code in (
                "ordered",
                "no_need",
                "call_back",
                "no_answer",
                "wrong_number",
                "not_interested",
                "moved",
            )
        }

    def _log(self, code, partner=None, activity=None, **vals):
        """Log a call with the outcome ``code`` through the wizard, as the
        salesperson; returns (touchpoint, wizard)."""
        Wizard = self.env["customer.followup.call.outcome.wizard"].with_user(
            self.salesman
        )
        action = Wizard._action_open(partner or self.shop, activity)
        wizard = Wizard.browse(action["res_id"])
        wizard.write({"outcome_id": self.outcomes[code].id, **vals})
        result = wizard.action_log()
        return wizard.touchpoint_id, wizard, result

    def _open_activities(self, partner=None):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", (partner or self.shop).id),
            ],
            order="date_deadline, id",
        )

    def test_shipped_outcomes(self):
        self.assertEqual(
            [(o.counts_as_contact, o.next_step) for o in self.outcomes.values()],
            [
                (True, "none"),
                (True, "none"),
                (True, "call_back"),
                (False, "retry"),
                (False, "none"),
                (True, "opt_out"),
                (False, "archive"),
            ],
        )

    def test_reached_outcomes_keep_the_cadence(self):
        for code in ("ordered", "no_need"):
            touchpoint, _wizard, result = self._log(code)
            self.assertEqual(touchpoint.outcome_id, self.outcomes[code])
            self.assertEqual(touchpoint.type_id, self.type_call)
            self.assertEqual(self.shop.last_cadence_contact_date, touchpoint.date)
            self.assertEqual(result["type"], "ir.actions.act_window_close")
        self.assertFalse(self._open_activities(), "nothing follows")

    def test_call_back_on_a_date(self):
        with self.assertRaises(ValidationError):
            self._log("call_back")
        touchpoint, _wizard, _result = self._log(
            "call_back", callback_date="2026-11-20"
        )
        activity = self._open_activities()
        self.assertEqual(str(activity.date_deadline), "2026-11-20")
        self.assertEqual(activity.activity_type_id, self.type_call.activity_type_id)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertTrue(activity.followup_planned, "the customer's next contact")
        self.assertEqual(self.shop.last_cadence_contact_date, touchpoint.date)

    def test_no_answer_tries_again_then_switches(self):
        before = self.shop.last_cadence_contact_date
        touchpoint, _wizard, _result = self._log("no_answer")
        self.assertEqual(self.shop.last_cadence_contact_date, before, "not a contact")
        self.assertEqual(self.shop.last_touchpoint_date, touchpoint.date)
        retry = self._open_activities()
        self.assertEqual(str(retry.date_deadline), "2026-11-18", "in 2 days")
        self.assertEqual(retry.activity_type_id, self.type_call.activity_type_id)
        self.assertIn("2/3", retry.summary)

        # the second try, from the activity (marked done by the wizard)
        touchpoint, _wizard, _result = self._log("no_answer", activity=retry)
        self.assertFalse(retry.exists() and retry.active, "done")
        self.assertEqual(touchpoint.activity_id, retry)
        self.assertEqual(touchpoint.outcome_id, self.outcomes["no_answer"])
        retry = self._open_activities()
        self.assertEqual(len(retry), 1)
        self.assertIn("3/3", retry.summary)
        self.assertTrue(retry.followup_planned)

        # the third: the next allowed contact, a personal letter
        self._log("no_answer", activity=retry)
        letter = self._open_activities()
        self.assertEqual(len(letter), 1)
        self.assertEqual(letter.activity_type_id, self.type_letter.activity_type_id)
        self.assertIn("3 unanswered in a row", letter.summary)
        self.assertEqual(self.shop.last_cadence_contact_date, before)

    def test_no_answer_switch_follows_the_opt_outs(self):
        self.shop.followup_no_postal = True
        self.outcomes["no_answer"].max_tries = 1
        self._log("no_answer")
        email = self._open_activities()
        self.assertEqual(email.activity_type_id, self.type_email.activity_type_id)

    def test_answered_call_resets_the_tries(self):
        self.outcomes["no_answer"].max_tries = 2
        self._log("no_answer")
        self._open_activities().unlink()
        self._log("no_need")
        self._log("no_answer")
        self.assertEqual(
            self._open_activities().activity_type_id, self.type_call.activity_type_id
        )

    def test_wrong_number(self):
        before = self.shop.last_cadence_contact_date
        self._log("wrong_number")
        self.assertEqual(self.shop.last_cadence_contact_date, before)
        self.assertFalse(self._open_activities())

    def test_not_interested_proposes_the_opt_out(self):
        touchpoint, wizard, result = self._log("not_interested")
        self.assertEqual(wizard.proposal, "opt_out")
        self.assertEqual(result["res_id"], wizard.id, "the wizard asks")
        self.assertFalse(self.shop.followup_no_call, "only proposed")
        wizard.action_apply_proposal()
        self.assertTrue(self.shop.followup_no_call)
        self.assertEqual(self.shop.last_cadence_contact_date, touchpoint.date)

    def test_moved_proposes_archiving(self):
        _touchpoint, wizard, _result = self._log("moved")
        self.assertEqual(wizard.proposal, "archive")
        self.assertTrue(self.shop.active)
        wizard.action_apply_proposal()
        self.assertFalse(self.shop.active)

    def test_quick_log_asks_the_outcome(self):
        """The "Log a contact" dialog: the outcome is asked for calls and
        visits, and its next step follows when saved."""
        Touchpoint = self.env["customer.touchpoint"].with_user(self.salesman)
        touchpoint = Touchpoint.create(
            {
                "partner_id": self.shop.id,
                "type_id": self.type_call.id,
                "outcome_id": self.outcomes["call_back"].id,
                "callback_date": "2026-11-19",
            }
        )
        self.assertTrue(touchpoint.outcome_asked)
        self.assertEqual(str(self._open_activities().date_deadline), "2026-11-19")
        self.assertFalse(Touchpoint.new({"type_id": self.type_email.id}).outcome_asked)
        self.assertEqual(fields.Date.to_string(touchpoint.callback_date), "2026-11-19")

    def test_reached_rate_in_the_effect_report(self):
        self._log("no_answer")
        self._log("no_answer")
        self._log("ordered")
        self._log("no_need")
        report = self.env["customer.followup.effect.report"]
        report._refresh()
        groups = report._read_group(
            [("contacted", "=", "contacted")],
            ["contact_user_id", "touchpoint_type_id"],
            ["outcome_count:sum", "reached_count:sum", "reached_rate:avg"],
        )
        by_type = {(user, kind): rest for user, kind, *rest in groups}
        self.assertEqual(by_type[self.salesman, self.type_call], [4, 2, 50.0])

    def test_overview(self):
        self._log("no_answer")
        self._log("no_need")
        overview = (
            self.env["customer.followup.overview"]
            .with_user(self.salesman)
            .get_overview()
        )
        titles = [section["title"] for section in overview["sections"]]
        self.assertEqual(titles[1], "My Day")
        outcomes = overview["sections"][-1]
        self.assertEqual(outcomes["title"], "Calls and visits this month")
        row = next(r for r in outcomes["rows"] if r["title"] == self.salesman.name)
        self.assertEqual([f["value"] for f in row["figures"]], ["2", "50 %"])

    def test_from_the_customer_form(self):
        """*Log a Call or Visit* on the customer: the wizard opens on it."""
        Wizard = self.env["customer.followup.call.outcome.wizard"].with_user(
            self.salesman
        )
        wizard = Wizard.with_context(default_partner_id=self.shop.id).create(
            {"outcome_id": self.outcomes["no_need"].id}
        )
        self.assertEqual(wizard.type_id, self.type_call)
        wizard.action_log()
        self.assertEqual(wizard.touchpoint_id.partner_id, self.shop)
        self.assertEqual(wizard.touchpoint_id.outcome_id, self.outcomes["no_need"])

    def test_from_the_chatter(self):
        """*Log Outcome* in a call's *Mark Done* popover: the wizard on the
        call's customer, completing the activity."""
        call = self.shop.with_user(self.salesman).activity_schedule(
            "mail.mail_activity_data_call", user_id=self.salesman.id
        )
        action = call.action_followup_log_outcome()
        wizard = self.env["customer.followup.call.outcome.wizard"].browse(
            action["res_id"]
        )
        self.assertEqual((wizard.partner_id, wizard.activity_id), (self.shop, call))
        self.assertEqual(wizard.type_id, self.type_call)

    def test_visit_marked_done_from_the_chatter(self):
        """A visit asks its outcome in the *Mark Done* popover like a call
        (the activity's store data says so); a postcard or a to-do does not.
        Marked *Done* without it, the visit is logged without an outcome and
        counts as a contact made."""
        visit = self.shop.with_user(self.salesman).activity_schedule(
            "customer_followup.mail_activity_type_visit", user_id=self.salesman.id
        )
        todo = self.shop.with_user(self.salesman).activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.salesman.id
        )
        postcard = self.shop.with_user(self.salesman).activity_schedule(
            "customer_followup.mail_activity_type_postcard", user_id=self.salesman.id
        )
        self.assertEqual(
            [a.followup_asks_outcome for a in (visit, todo, postcard)],
            [True, False, False],
        )
        data = visit.with_user(self.salesman).activity_format()
        self.assertTrue(data["mail.activity"][0]["followup_asks_outcome"])

        action = visit.with_user(self.salesman).action_followup_log_outcome()
        wizard = self.env["customer.followup.call.outcome.wizard"].browse(
            action["res_id"]
        )
        self.assertEqual(wizard.type_id, self.type_visit)

        before = self.shop.last_cadence_contact_date
        visit.with_user(self.salesman).action_feedback(feedback="Tasted the new broth")
        touchpoint = self.env["customer.touchpoint"].search(
            [("activity_id", "=", visit.id)]
        )
        self.assertEqual(touchpoint.type_id, self.type_visit)
        self.assertFalse(touchpoint.outcome_id)
        self.assertTrue(touchpoint.outcome_asked)
        self.shop.invalidate_recordset()
        self.assertGreater(self.shop.last_cadence_contact_date, before)
