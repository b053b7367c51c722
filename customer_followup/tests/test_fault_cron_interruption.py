from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FollowupCase, FollowupTierCase

NOW = "2026-03-10 09:00:00"


def _fail_on_call(model_class, method_name, failing_call):
    """Patch ``method_name`` so that its calls from the ``failing_call``-th on
    raise, as a worker killed in the middle of a run would."""
    original = getattr(model_class, method_name)
    calls = []

    def flaky(self, *args, **kwargs):
        calls.append(1)
        if len(calls) >= failing_call:
            raise RuntimeError("worker killed in the middle of the batch")
        return original(self, *args, **kwargs)

    return patch.object(model_class, method_name, flaky)


@tagged("post_install", "-at_install")
class TestFaultPlannerInterrupted(FollowupTierCase):
    def test_interrupted_planner_loses_and_duplicates_nothing(self):
        with freeze_time(NOW):
            customers = self.env["res.partner"].concat(
                *(
                    self._customer(f"Due Customer {n}", followup_tier_id=self.tier_a.id)
                    for n in range(5)
                )
            )
        planner_class = type(self.env["customer.followup.planner"])
        cron = self.env.ref("customer_followup.ir_cron_plan_followups")
        with (
            patch(
                "odoo.addons.customer_followup.models.customer_followup_planner"
                ".PLAN_BATCH_SIZE",
                2,
            ),
            _fail_on_call(planner_class, "_apply_plan", 2),
            mute_logger("odoo.addons.base.models.ir_cron"),
            freeze_time(NOW),
            self.enter_registry_test_mode(),
        ):
            cron.method_direct_trigger()
        self.env.invalidate_all()
        first_run = self._planned_activities(customers)
        self.assertEqual(len(first_run), 2, "the first batch was committed")

        self._run_cron(NOW, "customer_followup.ir_cron_plan_followups")
        activities = self._planned_activities(customers)
        self.assertEqual(len(activities), 5)
        self.assertEqual(sorted(activities.mapped("res_id")), sorted(customers.ids))
        self.assertLessEqual(first_run, activities, "nothing was planned twice")


@tagged("post_install", "-at_install")
class TestFaultRemindersInterrupted(FollowupCase):
    def test_interrupted_reminders_lose_and_duplicate_nothing(self):
        customers = self.env["res.partner"].create(
            [
                {"name": f"Cooker Owner {n}", "email": f"owner{n}@example.com"}
                for n in range(5)
            ]
        )
        for customer in customers:
            self._sell(customer, self.cooker)
        self.cron.code = "model._cron_send_reminders(batch_size=2)"
        replacement_class = type(self.env["customer.replacement"])
        with (
            _fail_on_call(replacement_class, "_send_reminders", 2),
            mute_logger("odoo.addons.base.models.ir_cron"),
            freeze_time("2025-12-20 06:00:00"),
            self.enter_registry_test_mode(),
        ):
            self.cron.method_direct_trigger()
        self.env.invalidate_all()
        cycles = self.env["customer.replacement"].search(
            [("partner_id", "in", customers.ids)]
        )
        self.assertEqual(cycles.mapped("state").count("reminded"), 2)

        self._run_cron("2025-12-20 07:00:00")
        self._run_cron("2025-12-20 08:00:00")
        self.assertEqual(set(cycles.mapped("state")), {"reminded"})
        self.assertEqual(len(cycles.quotation_id), 5)
        mails = self._reminder_mails(cycles)
        self.assertEqual(len(mails), 5)
        self.assertEqual(sorted(mails.mapped("res_id")), sorted(cycles.ids))
        touchpoints = self.env["customer.touchpoint"].search(
            [("partner_id", "in", customers.ids), ("origin", "=", "reminder")]
        )
        self.assertEqual(len(touchpoints), 5)
        self.assertEqual(
            set(cycles.mapped("reminded_date")), {fields.Date.to_date("2025-12-20")}
        )


@tagged("post_install", "-at_install")
class TestReminderCronBudget(FollowupCase):
    """The reminder cron stops when its time is used up, the runner calls it
    again and it goes on where it stopped; outside a cron it never commits."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # bought in 2019: the first cycle expired long ago, the catch-up
        # cycle is due for a reminder on 2025-02-10
        cls.registrations = cls.env["customer.product.registration"].create(
            [
                {
                    "partner_id": cls.customer.id,
                    "product_id": cls.cooker.id,
                    "serial": f"OLD-{n}",
                    "purchase_date": "2019-03-01",
                }
                for n in range(3)
            ]
        )
        cls.first_cycles = cls.registrations.replacement_ids

    def _states(self):
        cycles = self.env["customer.replacement"].search(
            [("registration_id", "in", self.registrations.ids)]
        )
        return sorted(cycles.mapped("state"))

    def test_expiry_stops_when_time_is_up_and_resumes(self):
        commits = []

        def time_is_up(cron, processed=0, *, remaining=None, deactivate=False):
            commits.append((processed, remaining))
            return 0.0

        # in a cron run: the runner puts its progress record in the context
        replacements = self.env["customer.replacement"].with_context(
            ir_cron_progress_id=-1
        )
        with (
            patch.object(type(self.env["ir.cron"]), "_commit_progress", time_is_up),
            freeze_time("2025-02-10 06:00:00"),
        ):
            for run in (1, 2, 3):
                replacements._cron_send_reminders(expiry_batch_size=1)
                self.assertEqual(
                    self.first_cycles.mapped("state").count("expired"),
                    run,
                    "one batch per call when the time is up",
                )
                self.assertNotIn("reminded", self._states())
            # remaining: the cycles to expire, then the reminders
            self.assertEqual(commits, [(1, 3), (1, 3), (1, 3)])
            replacements._cron_send_reminders(expiry_batch_size=1)
        self.assertEqual(self._states(), ["expired"] * 3 + ["reminded"] * 3)
        self.assertEqual(commits[-1], (3, 0))

    def test_outside_a_cron_nothing_is_committed(self):
        with (
            patch.object(
                type(self.env["ir.cron"]),
                "_commit_progress",
                side_effect=AssertionError("committed outside a cron run"),
            ) as commit,
            freeze_time("2025-02-10 06:00:00"),
        ):
            self.env["customer.replacement"]._cron_send_reminders(
                batch_size=1, expiry_batch_size=1
            )
        self.assertFalse(commit.called)
        self.assertEqual(self._states(), ["expired"] * 3 + ["reminded"] * 3)
