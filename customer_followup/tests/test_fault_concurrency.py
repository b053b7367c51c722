"""Two workers at once, on two real database connections.

A TransactionCase cannot show this: its data is invisible to other
connections. These tests commit their own fixture on a real connection,
run worker A and worker B on two connections while A holds its row locks,
and delete everything they committed afterwards."""

# Committing is the point here: other connections only see committed data.
# pylint: disable=invalid-commit

from odoo.tests import tagged

from .common import TwoWorkersCase


@tagged("post_install", "-at_install")
class TestFaultTwoWorkers(TwoWorkersCase):
    def test_two_planner_workers_plan_each_customer_once(self):
        setup = self._connection()
        tier = setup.ref("customer_followup.customer_tier_a")
        customers = setup["res.partner"].create(
            [
                {
                    "name": f"Concurrent Customer {n}",
                    "is_company": True,
                    "user_id": setup.ref("base.user_admin").id,
                    "followup_tier_id": tier.id,
                    "followup_tier_locked": True,
                }
                for n in range(3)
            ]
        )
        setup.cr.commit()

        def drop_activities(env):
            env["mail.activity"].with_context(active_test=False).search(
                [("res_model", "=", "res.partner"), ("res_id", "in", customers.ids)]
            ).unlink()

        self._cleanup("res.partner", customers.ids, before=drop_activities)

        worker_a, worker_b = self._connection(), self._connection()
        locked = worker_a["res.partner"].browse(customers.ids).try_lock_for_update()
        self.assertEqual(len(locked), 3, "worker A holds the customers")
        planned_by_b = worker_b["customer.followup.planner"]._plan(dry_run=False)
        self.assertFalse(
            [line for line in planned_by_b if line.partner.id in customers.ids],
            "worker B skips the customers worker A is planning",
        )
        worker_b.cr.commit()
        worker_a["customer.followup.planner"]._plan(dry_run=False)
        worker_a.cr.commit()
        # a third run, once both are done, adds nothing
        worker_b["customer.followup.planner"]._plan(dry_run=False)
        worker_b.cr.commit()

        check = self._connection()
        activities = check["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", customers.ids),
                ("followup_planned", "=", True),
            ]
        )
        self.assertEqual(sorted(activities.mapped("res_id")), sorted(customers.ids))

    def test_two_reminder_workers_remind_each_cycle_once(self):
        setup = self._connection()
        customers, cycles = self._due_cycles(setup, "Concurrent")
        self.assertEqual(len(cycles), 3)
        setup.cr.commit()

        self._race_reminder_crons(cycles.ids, runs=3)

        check = self._connection()
        cycles_now = check["customer.replacement"].browse(cycles.ids)
        self.assertEqual(set(cycles_now.mapped("state")), {"reminded"})
        self.assertEqual(len(cycles_now.quotation_id), 3)
        orders = check["sale.order"].search([("partner_id", "in", customers.ids)])
        self.assertEqual(len(orders), 3, "one quotation per cycle, no more")
        mails = check["mail.mail"].search(
            [("model", "=", "customer.replacement"), ("res_id", "in", cycles.ids)]
        )
        self.assertEqual(sorted(mails.mapped("res_id")), sorted(cycles.ids))
