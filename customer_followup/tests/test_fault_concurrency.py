"""Two workers at once, on two real database connections.

A TransactionCase cannot show this: its data is invisible to other
connections. These tests commit their own fixture on a real connection,
run worker A and worker B on two connections while A holds its row locks,
and delete everything they committed afterwards."""

# Committing is the point here: other connections only see committed data.
# pylint: disable=invalid-commit

from contextlib import closing
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, sql_db
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

    def test_two_reminder_workers_group_each_cycle_once(self):
        """A customer's due cycles are one reminder; while another worker
        holds some of them, the others are reminded without them, and each
        cycle is still reminded once, in one quotation."""
        setup = self._connection()
        customers, gaskets = self._due_cycles(setup, "Grouped")
        valve = setup["product.product"].create(
            {"name": "Grouped Valve", "type": "consu", "sale_ok": True}
        )
        valve_rule = setup["product.consumable.rule"].create(
            {
                "product_tmpl_id": gaskets.product_id.product_tmpl_id.id,
                "part_product_id": valve.id,
                "interval_months": 24,
                "lead_days": 30,
                "window_months": 6,
                "delivery": "mail",
            }
        )
        valves = setup["customer.replacement"].search([("rule_id", "=", valve_rule.id)])
        self.assertEqual(len(valves), 3)
        setup.cr.commit()

        def drop_valves():
            with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                cycles = env["customer.replacement"].browse(valves.ids).exists()
                quotations = cycles.quotation_id
                cycles.unlink()
                quotations.action_cancel()
                quotations.unlink()
                env["product.consumable.rule"].browse(valve_rule.id).unlink()
                env["product.product"].browse(valve.id).product_tmpl_id.unlink()
                cr.commit()  # pylint: disable=invalid-commit

        self.addCleanup(drop_valves)

        # worker A holds the valves while B reminds the gaskets; then A, on
        # a fresh transaction as a cron's next call, and B again
        worker_a, worker_b = self._connection(), self._connection()
        locked = worker_a["customer.replacement"].browse(valves.ids)
        self.assertEqual(len(locked.try_lock_for_update()), 3)
        worker_b["customer.replacement"]._cron_send_reminders()
        worker_b.cr.commit()
        worker_a.cr.rollback()
        worker_a.invalidate_all()
        for worker in (worker_a, worker_b):
            worker["customer.replacement"]._cron_send_reminders()
            worker.cr.commit()

        check = self._connection()
        cycles = check["customer.replacement"].browse((gaskets | valves).ids)
        self.assertEqual(set(cycles.mapped("state")), {"reminded"})
        lines = check["sale.order.line"].search(
            [("followup_replacement_id", "in", cycles.ids)]
        )
        self.assertEqual(
            sorted(lines.followup_replacement_id.ids),
            sorted(cycles.ids),
            "each cycle in one quotation line, once",
        )
        for line in lines:
            self.assertEqual(line.order_id, line.followup_replacement_id.quotation_id)
        self.assertEqual(
            len(cycles.quotation_id), 6, "the held valves were reminded apart"
        )
        mails = check["mail.mail"].search(
            [("model", "=", "customer.replacement"), ("res_id", "in", cycles.ids)]
        )
        self.assertEqual(len(mails), len(cycles.quotation_id), "one mail per reminder")

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

    def test_reminder_batch_retried_when_a_request_wrote_the_customer(self):
        """Under two cron servers and web workers, a request may write a
        customer (a salesperson edits the phone) after the reminder cron's
        batch took its snapshot: the batch's touchpoints then fail to
        serialize on the customer's row. The batch is run again on a fresh
        snapshot: each cycle reminded once, the request's write kept, and no
        error logged."""
        setup = self._connection()
        customers, cycles = self._due_cycles(setup, "Retried")
        setup.cr.commit()
        cron = setup.ref("customer_followup.ir_cron_replacement_reminders")
        progress = setup["ir.cron.progress"].create({"cron_id": cron.id})
        setup.cr.commit()
        self._cleanup("ir.cron.progress", progress.ids)

        worker = self._connection()
        worker = worker(
            context=dict(
                worker.context, ir_cron_progress_id=progress.id, cron_id=cron.id
            )
        )
        request = self._connection()
        cron_class = type(worker["ir.cron"])
        lock_for_batch = cron_class._followup_lock_for_batch
        interrupted = []

        def lock_after_a_request(model, records):
            if not interrupted:
                # the cron's batch has its snapshot: a request commits first
                request["res.partner"].browse(customers.ids).write(
                    {"phone": "+81 3-1234-5678"}
                )
                request.cr.commit()
                interrupted.append(True)
            return lock_for_batch(model, records)

        with (
            patch.object(cron_class, "_followup_lock_for_batch", lock_after_a_request),
            self.assertLogs("odoo.addons.customer_followup.models.ir_cron") as logs,
        ):
            worker["customer.replacement"]._cron_send_reminders()
            worker.cr.commit()
        self.assertIn("serialization_failure", logs.output[0].lower())

        check = self._connection()
        cycles_now = check["customer.replacement"].browse(cycles.ids)
        self.assertEqual(set(cycles_now.mapped("state")), {"reminded"})
        self.assertEqual(len(cycles_now.quotation_id), 3, "one reminder each, once")
        self.assertEqual(
            set(check["res.partner"].browse(customers.ids).mapped("phone")),
            {"+81 3-1234-5678"},
            "the request's write is kept",
        )
        touchpoints = check["customer.touchpoint"].search(
            [("partner_id", "in", customers.ids)]
        )
        self.assertEqual(len(touchpoints), 3)
        self.assertEqual(check["ir.cron.progress"].browse(progress.id).done, 3)
