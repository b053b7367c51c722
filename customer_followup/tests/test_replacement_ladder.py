"""Uniform escalation: a rule's first reminder is step 1 of its ladder, sent
by the same code path as the later steps; a later step falls back as the
planner does; every cycle comes from the one cycle generator; older
databases get their first reminders as steps."""

from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import tagged

from .common import FollowupCase
from .test_migration_ranges import load_migration

INTERVALS_CRON = "customer_followup.ir_cron_reorder_intervals"


@tagged("post_install", "-at_install")
class TestReminderLadder(FollowupCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.step_postcard = cls.env["product.consumable.rule.step"].create(
            {
                "rule_id": cls.gasket_rule.id,
                "sequence": 10,
                "delay_days": 14,
                "delivery": "print",
                "touchpoint_type_id": cls.type_printed.id,
            }
        )
        cls._sell(cls.customer, cls.cooker)

    def _send_step_spy(self):
        reminder_class = type(self.env["customer.replacement.reminder"])
        return patch.object(
            reminder_class,
            "_send_step",
            autospec=True,
            side_effect=reminder_class._send_step,
        )

    def test_first_reminder_is_step_one(self):
        first, second = self.gasket_rule._steps()
        self.assertEqual(second, self.step_postcard)
        self.assertEqual((first.number, second.number), (1, 2))
        self.assertEqual(
            (first.delivery, first.touchpoint_type_id), ("mail", self.type_email)
        )
        self.assertEqual(self.gasket_rule.delivery, "mail", "the rule shows step 1")
        # the first step's channel is the first reminder's
        first.write({"delivery": "print", "touchpoint_type_id": self.type_printed.id})
        cycle = self._cycles()
        with self._send_step_spy() as spy:
            self._run_cron("2025-12-20 06:00:00")
            self.assertEqual(cycle.reminder_step, 1)
            self.assertEqual(cycle.delivery, "print")
            self._run_cron("2026-01-03 06:00:00")
            self.assertEqual(cycle.reminder_step, 2)
            self.assertEqual(cycle.touchpoint_type_id, self.type_printed)
        # the first reminder and the later step: one code path
        sent = [call.args[1] for call in spy.call_args_list if call.args[1]]
        self.assertEqual(sent, [cycle, cycle])

    def test_rule_keeps_a_first_step(self):
        with self.assertRaises(ValidationError):
            self.gasket_rule.step_ids.unlink()
        with self.assertRaises(ValidationError):
            self.gasket_rule.write({"step_ids": [Command.clear()]})
        # a rule given its steps only: the first one is step 1
        rule = self.env["product.consumable.rule"].create(
            {
                "product_tmpl_id": self.cooker.product_tmpl_id.id,
                "part_product_id": self.valve.id,
                "step_ids": [
                    Command.create(
                        {
                            "delivery": "print",
                            "touchpoint_type_id": self.type_printed.id,
                        }
                    ),
                    Command.create(
                        {
                            "delivery": "activity",
                            "touchpoint_type_id": self.type_call.id,
                        }
                    ),
                ],
            }
        )
        self.assertEqual(rule._steps().mapped("delivery"), ["print", "activity"])
        self.assertEqual(rule.touchpoint_type_id, self.type_printed)

    def test_blocked_step_falls_back_as_the_planner(self):
        """A customer opted out of postal mail gets the printed step by the
        contact the planner would choose for them."""
        self.customer.followup_no_postal = True
        planner = self.env["customer.followup.planner"]
        expected, _note = planner._resolve_touchpoint_type(
            self.customer, self.type_printed, planner._types_by_channel()
        )
        self.assertTrue(expected)
        cycle = self._cycles()
        self._run_cron("2025-12-20 06:00:00")
        self._run_cron("2026-01-03 06:00:00")
        self.assertEqual(cycle.reminder_step, 2)
        self.assertFalse(cycle.escalation_stop)
        self.assertEqual(cycle.touchpoint_type_id, expected)
        self.assertIn("opted out of postal mail", self._chatter(cycle))

    def _chatter(self, cycle):
        return " ".join(str(body) for body in cycle.message_ids.mapped("body"))


@tagged("post_install", "-at_install")
class TestOneCycleGenerator(FollowupCase):
    def test_rule_and_learned_cycles_from_one_generator(self):
        replacement_class = type(self.env["customer.replacement"])
        with patch.object(
            replacement_class,
            "_generate_cycles",
            autospec=True,
            side_effect=replacement_class._generate_cycles,
        ) as spy:
            self._sell(self.customer, self.cooker)
            rule_cycle = self._cycles()
            beans = self.env["product.product"].create(
                {
                    "name": "Coffee Beans 1 kg",
                    "type": "consu",
                    "sale_ok": True,
                    "taxes_id": False,
                    "followup_replenishable": True,
                }
            )
            self.company.write(
                {
                    "followup_window_months": 24,
                    "followup_reorder_delivery": "mail",
                    "followup_reorder_lead_days": 7,
                    "followup_reorder_window_days": 60,
                }
            )
            for day in ("2026-08-03", "2026-08-31", "2026-09-28", "2026-10-26"):
                self._sell(self.customer, beans, f"{day} 10:00:00")
            self._run_cron("2026-11-16 01:00:00", INTERVALS_CRON)
            self._run_cron("2026-11-16 01:00:00")
        learned = self.env["customer.replacement"].search(
            [("source", "=", "learned"), ("part_product_id", "=", beans.id)]
        )
        self.assertTrue(rule_cycle and learned)
        generated = [vals for call in spy.call_args_list for vals in call.args[1]]
        sources = {vals.get("source", "rule") for vals in generated}
        self.assertEqual(sources, {"rule", "learned"})
        self.assertEqual(
            (rule_cycle.remind_date - rule_cycle.due_date).days,
            -self.gasket_rule.lead_days,
        )
        self.assertEqual((learned.due_date - learned.remind_date).days, 7)


@tagged("post_install", "-at_install")
class TestMigrationFirstStep(FollowupCase):
    """19.0.1.5.0 makes each rule's own first reminder its step 1."""

    def test_first_reminders_become_first_steps(self):
        rule = self.gasket_rule
        later = self.env["product.consumable.rule.step"].create(
            {
                "rule_id": rule.id,
                "sequence": 0,
                "delay_days": 14,
                "delivery": "print",
                "touchpoint_type_id": self.type_printed.id,
            }
        )
        template = rule.mail_template_id
        self.assertTrue(template)
        first = rule._steps()[0]
        self.env.flush_all()
        cr = self.env.cr
        # the tables as 19.0.1.4.0 left them: the first reminder on the rule
        cr.execute(
            """
            ALTER TABLE product_consumable_rule
                ADD COLUMN delivery varchar,
                ADD COLUMN touchpoint_type_id int4,
                ADD COLUMN mail_template_id int4;
            UPDATE product_consumable_rule
               SET delivery = 'opportunity', touchpoint_type_id = %s,
                   mail_template_id = %s
             WHERE id = %s;
            DELETE FROM product_consumable_rule_step WHERE id = %s;
            """,
            [self.type_visit.id, template.id, rule.id, first.id],
        )
        load_migration("19.0.1.5.0", "pre-first-step").migrate(cr, "19.0.1.4.0")
        self.env.invalidate_all()
        steps = rule._steps()
        self.assertEqual(len(steps), 2)
        self.assertEqual(steps[1], later, "the old steps follow the first")
        self.assertEqual(
            (steps[0].delivery, steps[0].touchpoint_type_id, steps[0].mail_template_id),
            ("opportunity", self.type_visit, template),
        )
        self.assertEqual(rule.delivery, "opportunity")
        cr.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'product_consumable_rule' AND column_name = 'delivery'"
        )
        self.assertFalse(cr.fetchone(), "the rule's own columns are gone")

    def test_printed_steps_log_printed_mail(self):
        """A printed step that logged a handwritten postcard logs printed
        mail after the upgrade; an activity asking for a postcard stays."""
        Step = self.env["product.consumable.rule.step"]
        printed_step = Step.create(
            {
                "rule_id": self.gasket_rule.id,
                "sequence": 10,
                "delay_days": 14,
                "delivery": "print",
                "touchpoint_type_id": self.type_printed.id,
            }
        )
        activity_step = Step.create(
            {
                "rule_id": self.gasket_rule.id,
                "sequence": 20,
                "delay_days": 14,
                "delivery": "activity",
                "touchpoint_type_id": self.type_postcard.id,
            }
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE product_consumable_rule_step SET touchpoint_type_id = %s"
            " WHERE id = %s",
            [self.type_postcard.id, printed_step.id],
        )
        load_migration("19.0.1.5.0", "pre-print-channel").migrate(
            self.env.cr, "19.0.1.4.0"
        )
        self.env.invalidate_all()
        self.assertEqual(printed_step.touchpoint_type_id, self.type_printed)
        self.assertEqual(activity_step.touchpoint_type_id, self.type_postcard)

    def test_new_database_has_nothing_to_migrate(self):
        load_migration("19.0.1.5.0", "pre-first-step").migrate(self.env.cr, None)
        load_migration("19.0.1.5.0", "pre-first-step").migrate(
            self.env.cr, "19.0.1.4.0"
        )
        load_migration("19.0.1.5.0", "post-first-step").migrate(
            self.env.cr, "19.0.1.4.0"
        )
        self.assertEqual(len(self.gasket_rule.step_ids), 1)
