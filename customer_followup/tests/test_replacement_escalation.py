"""The escalation ladder of the replacement reminders: a rule's steps after
the first reminder, each sent once, stopped by an order, a reply, an opt-out,
a cancelled quotation or the end of the window."""

# The two-worker test commits on its own connections: other connections only
# see committed data.
# pylint: disable=invalid-commit

import ast
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import FollowupCase, TwoWorkersCase, load_japanese
from .test_migration_ranges import load_migration


@tagged("post_install", "-at_install")
class TestReplacementEscalation(FollowupCase):
    """The customer bought the cooker on 2024-01-15: the gasket is due on
    2026-01-15, reminded from 2025-12-16, and the window ends on 2026-07-15.
    The gasket rule emails first, sends a postcard 14 days later, and asks
    the salesperson to call 14 days after that."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._sell(cls.customer, cls.cooker)
        cls.step_postcard, cls.step_call = cls.env[
            "product.consumable.rule.step"
        ].create(
            [
                {
                    "rule_id": cls.gasket_rule.id,
                    "sequence": 10,
                    "delay_days": 14,
                    "delivery": "print",
                    "touchpoint_type_id": cls.type_printed.id,
                },
                {
                    "rule_id": cls.gasket_rule.id,
                    "sequence": 20,
                    "delay_days": 14,
                    "delivery": "activity",
                    "touchpoint_type_id": cls.type_call.id,
                },
            ]
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _touchpoints(self):
        return self.env["customer.touchpoint"].search(
            [("partner_id", "=", self.customer.id)], order="date, id"
        )

    def _quotations(self):
        return self.env["sale.order"].search(
            [("partner_id", "=", self.customer.id), ("state", "in", ("draft", "sent"))]
        )

    def _calls(self, cycle):
        return self.env["mail.activity"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", cycle.quotation_id.id)]
        )

    def _postcards_to_print(self):
        action = self.env.ref("customer_followup.action_customer_replacement_postcards")
        return self.env["customer.replacement"].search(
            ast.literal_eval(action.domain)
            + [("printed", "=", False), ("state", "=", "reminded")]
        )

    def _report(self, cycle):
        return self.env["customer.replacement.report"].search([("id", "=", cycle.id)])

    def _remind(self):
        """Run the cron on the reminder date: the first reminder (email)."""
        cycle = self._cycles()
        self._run_cron("2025-12-20 06:00:00")
        self.assertEqual(cycle.state, "reminded")
        self.assertEqual(cycle.reminder_step, 1)
        self.assertEqual(str(cycle.next_step_date), "2026-01-03")
        return cycle

    def _chatter(self, cycle):
        return " ".join(str(body) for body in cycle.message_ids.mapped("body"))

    def _assert_stopped(self, cycle, stop, text):
        self.assertEqual(cycle.state, "reminded", "still open for an order")
        self.assertEqual(cycle.escalation_stop, stop)
        self.assertEqual(cycle.reminder_step, 1, "no further step sent")
        self.assertFalse(cycle.next_step_date)
        self.assertIn(text, self._chatter(cycle))
        outbound = self._touchpoints().filtered(lambda t: t.direction == "outbound")
        self.assertEqual(len(outbound), 1, "the first reminder only")
        self.assertNotIn(cycle, self._postcards_to_print())
        self.assertFalse(self._calls(cycle))
        # nothing more, however long the cron goes on within the window
        self._run_cron("2026-01-17 06:00:00")
        self._run_cron("2026-02-01 06:00:00")
        self.assertEqual(cycle.reminder_step, 1)
        self.assertFalse(self._calls(cycle))
        self.assertEqual(len(self._reminder_mails(cycle)), 1)

    # ------------------------------------------------------------------
    # The ladder
    # ------------------------------------------------------------------

    def test_ladder_sends_each_step_once(self):
        # a contact of the customer before the first reminder is no reply
        with freeze_time("2025-12-10 10:00:00"):
            self.env["customer.touchpoint"].create(
                {
                    "partner_id": self.customer.id,
                    "type_id": self.type_call.id,
                    "direction": "inbound",
                    "summary": "Asked about the warranty",
                }
            )
        cycle = self._remind()
        quotation = cycle.quotation_id
        self.assertEqual(self._touchpoints()[-1].channel, "email")

        for day in ("2025-12-21", "2026-01-02"):
            self._run_cron(f"{day} 06:00:00")
        self.assertEqual(cycle.reminder_step, 1, "not before 14 days")

        for hour in (6, 6, 18):
            self._run_cron(f"2026-01-03 {hour:02d}:00:00")
        self.assertEqual(cycle.reminder_step, 2)
        self.assertEqual(str(cycle.reminder_step_date.date()), "2026-01-03")
        self.assertEqual(cycle.delivery, "print")
        self.assertEqual(cycle.touchpoint_type_id, self.type_printed)
        self.assertEqual(cycle.quotation_id, quotation, "the same quotation")
        self.assertEqual(self._quotations(), quotation, "no quotation per step")
        self.assertIn(cycle, self._postcards_to_print())
        self.assertIn(quotation.name, self._hagaki_html(cycle))
        outbound = self._touchpoints().filtered(lambda t: t.direction == "outbound")
        self.assertEqual(outbound.type_id, self.type_email | self.type_printed)
        self.assertEqual(set(outbound.mapped("origin")), {"reminder"})
        self.assertEqual(outbound.sale_order_id, quotation)
        self.assertEqual(cycle.touchpoint_id.type_id, self.type_printed)
        self.assertEqual(len(self._reminder_mails(cycle)), 1, "one mail, step 1")
        self.assertIn("Reminder step 2 sent", self._chatter(cycle))
        self.assertEqual(str(cycle.next_step_date), "2026-01-17")
        cycle.action_print_postcards()
        self.assertNotIn(cycle, self._postcards_to_print())

        for hour in (6, 18):
            self._run_cron(f"2026-01-17 {hour:02d}:00:00")
        self.assertEqual(cycle.reminder_step, 3)
        self.assertEqual(cycle.delivery, "activity")
        call = self._calls(cycle)
        self.assertEqual(len(call), 1, "one call for the salesperson")
        self.assertEqual(call.user_id, self.salesman)
        self.assertEqual(
            call.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(call.date_deadline, fields.Date.to_date("2026-01-17"))
        self.assertIn(quotation.name, str(call.note))
        self.assertFalse(
            self.env["mail.mail"].search(
                [("recipient_ids", "in", self.salesman.partner_id.ids)]
            ),
            "no assignment mail per reminder activity",
        )
        self.assertFalse(cycle.next_step_date, "the last step")
        self.assertEqual(
            len(self._touchpoints().filtered(lambda t: t.direction == "outbound")),
            2,
            "the call logs its touchpoint when it is done",
        )

        for day in ("2026-01-31", "2026-03-01", "2026-07-15"):
            self._run_cron(f"{day} 06:00:00")
        self.assertEqual(cycle.reminder_step, 3)
        self.assertEqual(len(self._calls(cycle)), 1)
        self.assertEqual(len(self._reminder_mails(cycle)), 1)
        self.assertEqual(self._quotations(), quotation)

        with freeze_time("2026-01-20 10:00:00"):
            call.action_feedback(feedback="Will order next week")
        self.assertEqual(self._touchpoints()[-1].channel, "call")
        with freeze_time("2026-01-22 10:00:00"):
            quotation.action_confirm()
        self.assertEqual(cycle.state, "ordered")
        report = self._report(cycle)
        self.assertEqual((report.step, report.ordered_count), (3, 1))
        self.assertEqual(report.delivery, "activity", "the step that led to it")

    def test_orders_per_step(self):
        """The conversion report counts the orders per step that led to them."""
        valve_rule = self.env["product.consumable.rule"].create(
            {
                "product_tmpl_id": self.cooker.product_tmpl_id.id,
                "part_product_id": self.valve.id,
                "interval_months": 24,
                "lead_days": 30,
                "delivery": "mail",
                "step_ids": [
                    fields.Command.create(
                        {
                            "delay_days": 7,
                            "delivery": "print",
                            "touchpoint_type_id": self.type_printed.id,
                        }
                    )
                ],
            }
        )
        self._run_cron("2025-12-20 06:00:00")
        gasket_cycle = self._cycles(rule=self.gasket_rule)
        valve_cycle = self._cycles(rule=valve_rule)
        # one reminder quotation for both parts: the gasket is ordered apart
        self.assertEqual(gasket_cycle.quotation_id, valve_cycle.quotation_id)
        self._sell(self.customer, self.gasket, "2025-12-22 10:00:00")
        self.assertEqual(gasket_cycle.state, "ordered")
        self.assertEqual(valve_cycle.quotation_id.order_line.product_id, self.valve)
        self._run_cron("2025-12-27 06:00:00")
        self.assertEqual(valve_cycle.reminder_step, 2)
        self.assertEqual(valve_cycle.touchpoint_id.type_id, self.type_printed)
        with freeze_time("2025-12-30 10:00:00"):
            valve_cycle.quotation_id.action_confirm()
        rows = self.env["customer.replacement.report"]._read_group(
            [("partner_id", "=", self.customer.id)],
            ["step"],
            ["ordered_count:sum", "order_amount:sum"],
        )
        self.assertEqual(rows, [(1, 1, 15.0), (2, 1, 22.0)])

    def test_order_stops_ladder(self):
        cycle = self._remind()
        quotation = cycle.quotation_id
        other = self._sell(self.customer, self.gasket, date="2025-12-28 10:00:00")
        self.assertEqual(cycle.state, "ordered")
        self.assertEqual(cycle.order_id, other)
        self.assertFalse(cycle.next_step_date)
        self.assertEqual(quotation.state, "cancel")
        self._run_cron("2026-01-03 06:00:00")
        self._run_cron("2026-01-17 06:00:00")
        self.assertEqual(cycle.reminder_step, 1)
        self.assertNotIn(cycle, self._postcards_to_print())
        self.assertFalse(self._calls(cycle))
        self.assertEqual(self._report(cycle).step, 1)

    def test_imported_order_stops_ladder(self):
        """An order confirmed without the hook (imported) is found before a
        step is sent: the cycle is ordered, no postcard."""
        cycle = self._remind()
        with freeze_time("2025-12-28 10:00:00"):
            other = self.env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        fields.Command.create({"product_id": self.gasket.id})
                    ],
                }
            )
            other.write({"state": "sale", "date_order": "2025-12-28 10:00:00"})
        self._run_cron("2026-01-03 06:00:00")
        self.assertEqual(cycle.state, "ordered")
        self.assertEqual(cycle.order_id, other)
        self.assertEqual(cycle.reminder_step, 1)
        self.assertEqual(cycle.delivery, "mail")

    def test_inbound_touchpoint_stops_ladder(self):
        cycle = self._remind()
        with freeze_time("2025-12-26 15:00:00"):
            self.env["customer.touchpoint"].create(
                {
                    "partner_id": self.customer.id,
                    "type_id": self.type_call.id,
                    "direction": "inbound",
                    "summary": "Called back: will think about it",
                }
            )
        self._run_cron("2026-01-03 06:00:00")
        self._assert_stopped(cycle, "replied", "Taro Yamada replied on")

    def test_customer_message_on_quotation_stops_ladder(self):
        cycle = self._remind()
        with freeze_time("2025-12-27 09:00:00"):
            cycle.quotation_id.message_post(
                body="Is the gasket for the 6 L model?",
                author_id=self.customer.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self._run_cron("2026-01-03 06:00:00")
        self._assert_stopped(cycle, "replied", "replied on")

    def test_reply_to_reminder_mail_stops_ladder(self):
        """A reply to the reminder mail lands on the cycle: it is a reply."""
        cycle = self._remind()
        with freeze_time("2025-12-27 09:00:00"):
            cycle.message_post(
                body="Thank you, I still have a spare one.",
                author_id=self.customer.id,
                message_type="email",
                subtype_xmlid="mail.mt_comment",
            )
        self._run_cron("2026-01-03 06:00:00")
        self._assert_stopped(cycle, "replied", "replied on")

    def test_other_customers_reply_does_not_stop_ladder(self):
        cycle = self._remind()
        with freeze_time("2025-12-27 09:00:00"):
            self.env["customer.touchpoint"].create(
                {
                    "partner_id": self.company_customer.id,
                    "type_id": self.type_email.id,
                    "direction": "inbound",
                }
            )
            cycle.quotation_id.message_post(
                body="Note of the salesperson", message_type="comment"
            )
        self._run_cron("2026-01-03 06:00:00")
        self.assertEqual(cycle.reminder_step, 2)
        self.assertFalse(cycle.escalation_stop)

    def test_opt_out_stops_ladder(self):
        cycle = self._remind()
        self.customer.followup_no_replacement_reminder = True
        self._run_cron("2026-01-03 06:00:00")
        self._assert_stopped(cycle, "opted_out", "asked for no replacement reminders")
        self.customer.followup_no_replacement_reminder = False
        self._run_cron("2026-01-04 06:00:00")
        self.assertEqual(cycle.reminder_step, 1, "a stopped ladder stays stopped")

    def test_blocked_channel_falls_back_as_the_policy_says(self):
        """A step the customer cannot receive goes by the contact policy's
        next allowed contact, not heavier: the postcard step by email."""
        cycle = self._remind()
        self.customer.followup_no_postal = True
        self._run_cron("2026-01-03 06:00:00")
        self.assertFalse(cycle.escalation_stop)
        self.assertEqual(cycle.reminder_step, 2)
        self.assertEqual(
            (cycle.touchpoint_type_id.channel, cycle.delivery), ("email", "mail")
        )

    def test_blocked_channel_stops_ladder(self):
        """A step no contact of the policy's chain reaches stops the ladder,
        and not the next step either."""
        cycle = self._remind()
        self.customer.write({"followup_no_postal": True, "email": False})
        self._run_cron("2026-01-03 06:00:00")
        self._assert_stopped(cycle, "unreachable", "opted out of postal mail")
        self.assertIn("before step 2", self._chatter(cycle))

    def test_cancelled_quotation_stops_ladder(self):
        cycle = self._remind()
        cycle.quotation_id._action_cancel()
        self._run_cron("2026-01-03 06:00:00")
        self._assert_stopped(cycle, "quotation", cycle.quotation_id.name)

    def test_window_end_stops_ladder(self):
        self.step_postcard.delay_days = 200
        cycle = self._cycles()
        self._run_cron("2025-12-20 06:00:00")
        self.assertEqual(str(cycle.next_step_date), "2026-07-08")
        self.step_postcard.delay_days = 210
        self.assertEqual(str(cycle.next_step_date), "2026-07-18", "past the window")
        self._run_cron("2026-07-15 06:00:00")
        self.assertEqual(cycle.reminder_step, 1)
        self._run_cron("2026-07-18 06:00:00")
        self.assertEqual(cycle.state, "expired")
        self.assertFalse(cycle.next_step_date)
        self.assertEqual(cycle.reminder_step, 1)
        self.assertNotIn(cycle, self._postcards_to_print())

    def test_cancelled_cycle_stops_ladder(self):
        cycle = self._remind()
        cycle.action_cancel()
        self.assertFalse(cycle.next_step_date)
        self._run_cron("2026-01-03 06:00:00")
        self.assertEqual(cycle.reminder_step, 1)

    def test_notes_in_salespersons_language(self):
        load_japanese(self.env)
        self.salesman.lang = "ja_JP"
        cycle = self._remind()
        self._run_cron("2026-01-03 06:00:00")
        self.assertIn("案内段階 2 を", self._chatter(cycle))
        self.customer.write(
            {"followup_no_call": True, "followup_no_postal": True, "email": False}
        )
        self._run_cron("2026-01-17 06:00:00")
        self.assertEqual(cycle.escalation_stop, "unreachable")
        self.assertIn("電話を希望しない", self._chatter(cycle))
        self.assertIn("案内段階 3", self._chatter(cycle))

    # ------------------------------------------------------------------
    # Steps and channels
    # ------------------------------------------------------------------

    def test_rule_without_steps_sends_one_reminder(self):
        (self.step_postcard | self.step_call).unlink()
        cycle = self._cycles()
        self._run_cron("2025-12-20 06:00:00")
        self.assertEqual(cycle.reminder_step, 1)
        self.assertFalse(cycle.next_step_date)
        self._run_cron("2026-02-01 06:00:00")
        self.assertEqual(cycle.reminder_step, 1)
        self.assertEqual(len(self._touchpoints()), 1)

    def test_steps_added_later_follow_the_reminded_cycles(self):
        (self.step_postcard | self.step_call).unlink()
        cycle = self._cycles()
        self._run_cron("2025-12-20 06:00:00")
        self.assertFalse(cycle.next_step_date)
        self.gasket_rule.write(
            {
                "step_ids": [
                    fields.Command.create(
                        {
                            "delay_days": 10,
                            "delivery": "mail",
                            "touchpoint_type_id": self.type_email.id,
                        }
                    )
                ]
            }
        )
        self.assertEqual(str(cycle.next_step_date), "2025-12-30")

    def test_mail_step_uses_its_template(self):
        """A second mail may have its own wording; without one, the rule's."""
        self._set_delivery(self.gasket_rule, "print")
        template = self.env.ref(
            "customer_followup.mail_template_replacement_reminder"
        ).copy({"name": "Second reminder", "subject": "Still thinking about it?"})
        self.step_postcard.write(
            {
                "delivery": "mail",
                "touchpoint_type_id": self.type_email.id,
                "mail_template_id": template.id,
            }
        )
        cycle = self._cycles()
        self._run_cron("2025-12-20 06:00:00")
        self.assertEqual(cycle.delivery, "print")
        self.assertFalse(self._reminder_mails(cycle))
        self._run_cron("2026-01-03 06:00:00")
        mail = self._reminder_mails(cycle)
        self.assertEqual(mail.subject, "Still thinking about it?")
        self.assertIn(cycle.quotation_id.access_token, str(mail.body_html))
        self.assertEqual(cycle.touchpoint_id.type_id, self.type_email)

    def test_opportunity_steps_share_one_opportunity(self):
        self._set_delivery(self.gasket_rule, "opportunity")
        self.step_postcard.write(
            {"delivery": "opportunity", "touchpoint_type_id": self.type_visit.id}
        )
        cycle = self._cycles()
        self._run_cron("2025-12-20 06:00:00")
        lead = cycle.lead_id
        self._run_cron("2026-01-03 06:00:00")
        self.assertEqual(cycle.lead_id, lead)
        self.assertEqual(
            self.env["crm.lead"].search_count([("partner_id", "=", self.customer.id)]),
            1,
        )
        self.assertEqual(len(lead.activity_ids), 2, "a call, then a visit")
        self.assertEqual(lead.activity_ids.user_id, self.salesman)

    def test_step_type_fits_its_channel(self):
        with self.assertRaisesText(ValidationError, "must be of the channel"):
            self.step_postcard.touchpoint_type_id = self.type_call
        step = self.env["product.consumable.rule.step"].new(
            {"delivery": "mail", "touchpoint_type_id": self.type_call.id}
        )
        step._onchange_delivery()
        self.assertEqual(step.touchpoint_type_id, self.type_email)
        self.assertEqual(
            self.step_call.display_name, "Activity for the salesperson after 14 days"
        )

    def test_first_step_is_named_without_a_delay(self):
        """The rules' list shows the steps as tags: the first one is sent the
        lead time before the due date, not some days after anything."""
        self.assertEqual(
            self.gasket_rule._steps().mapped("display_name"),
            [
                "Email, first reminder",
                "Printed card (batch) after 14 days",
                "Activity for the salesperson after 14 days",
            ],
        )

    def test_steps_are_copied_with_the_rule(self):
        copy = self.gasket_rule.copy({"active": False})
        self.assertEqual(
            copy._steps().mapped("delivery"), ["mail", "print", "activity"]
        )

    def test_salesman_reads_steps_manager_edits_them(self):
        self.assertEqual(
            self.gasket_rule.with_user(self.salesman).step_ids.mapped("delivery"),
            ["mail", "print", "activity"],
        )
        with self.assertRaises(AccessError):
            self.step_call.with_user(self.salesman).delay_days = 21
        manager = new_test_user(
            self.env,
            login="cf_escalation_manager",
            groups="customer_followup.group_followup_manager",
        )
        self.step_call.with_user(manager).delay_days = 21
        self.assertEqual(self.step_call.delay_days, 21)

    # ------------------------------------------------------------------
    # Two runs at once
    # ------------------------------------------------------------------

    def test_step_sent_by_other_worker_is_skipped(self):
        """A cycle whose step another worker sent between our search and our
        lock is left alone: the next step date is read again under the
        lock."""
        cycle = self._remind()
        model = self.registry["customer.replacement"]
        original_lock = model.try_lock_for_update

        def lock_after_other_worker(records, **kwargs):
            records.env.cr.execute(
                "UPDATE customer_replacement SET reminder_step = 2, "
                "next_step_date = '2026-01-17' WHERE id IN %s",
                [tuple(records.ids)],
            )
            return original_lock(records, **kwargs)

        with patch.object(model, "try_lock_for_update", lock_after_other_worker):
            self._run_cron("2026-01-03 06:00:00")
        self.env.invalidate_all()
        self.assertEqual(cycle.reminder_step, 2)
        self.assertEqual(cycle.delivery, "mail", "the other worker's job, not ours")
        self.assertNotIn(cycle, self._postcards_to_print())

    def test_locked_cycles_wait_for_next_run(self):
        cycle = self._remind()
        model = self.registry["customer.replacement"]
        with patch.object(
            model, "try_lock_for_update", lambda records, **kwargs: records.browse()
        ):
            self._run_cron("2026-01-03 06:00:00")
        self.assertEqual(cycle.reminder_step, 1)
        self._run_cron("2026-01-03 07:00:00")
        self.assertEqual(cycle.reminder_step, 2)

    def test_cron_budget_used_up_goes_on_next_call(self):
        """In a cron run, each batch commits its progress; when the budget is
        used up, the steps left are sent by the next call."""
        # another customer's: one customer's steps of a day are one reminder
        other = self.env["res.partner"].create(
            {"name": "Second Owner", "email": "second@example.com"}
        )
        self.env["customer.product.registration"].create(
            {
                "partner_id": other.id,
                "product_id": self.cooker.id,
                "serial": "PC600-SECOND",
                "purchase_date": "2024-01-15",
            }
        )
        self._run_cron("2025-12-20 06:00:00")
        cycles = self._cycles() | self._cycles(other)
        self.assertEqual(cycles.mapped("reminder_step"), [1, 1])
        calls = []

        def budget_used_up(crons, processed=0, remaining=None, deactivate=False):
            calls.append((processed, remaining))
            return False

        with (
            patch.object(self.registry["ir.cron"], "_commit_progress", budget_used_up),
            freeze_time("2026-01-03 06:00:00"),
        ):
            self.env["customer.replacement"].with_context(
                ir_cron_progress_id=1
            )._cron_send_reminders(batch_size=1)
        self.assertEqual(calls, [(1, 1)], "one step sent, one left")
        self.assertEqual(sorted(cycles.mapped("reminder_step")), [1, 2])
        self._run_cron("2026-01-03 07:00:00")
        self.assertEqual(cycles.mapped("reminder_step"), [2, 2])

    def test_migration_sets_step_of_reminded_cycles(self):
        cycle = self._remind()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE customer_replacement SET reminder_step = NULL, "
            "reminder_step_date = NULL WHERE id = %s",
            [cycle.id],
        )
        load_migration("19.0.1.3.0", "pre-escalation").migrate(self.env.cr, None)
        self.env.invalidate_all()
        self.assertFalse(cycle.reminder_step, "a new database has nothing to do")
        load_migration("19.0.1.3.0", "pre-escalation").migrate(
            self.env.cr, "19.0.1.2.0"
        )
        self.env.invalidate_all()
        self.assertEqual(cycle.reminder_step, 1)
        self.assertEqual(str(cycle.reminder_step_date), "2025-12-20 00:00:00")


@tagged("post_install", "-at_install")
class TestEscalationTwoWorkers(TwoWorkersCase):
    """Two workers send the due steps at once, on two real connections: each
    step is sent once."""

    def test_two_workers_send_each_step_once(self):
        setup = self._connection()
        customers, cycles = self._due_cycles(
            setup,
            "Escalation",
            step_ids=[
                fields.Command.create(
                    {
                        "delay_days": 14,
                        "delivery": "print",
                        "touchpoint_type_id": setup.ref(
                            "customer_followup.touchpoint_type_printed_mail"
                        ).id,
                    }
                )
            ],
        )
        self.assertEqual(len(cycles), 3)
        setup["customer.replacement"]._cron_send_reminders()
        self.assertEqual(set(cycles.mapped("reminder_step")), {1})
        # the first reminders went out 20 days ago: the postcards are due
        cycles.sudo().write(
            {"reminder_step_date": fields.Datetime.now() - timedelta(days=20)}
        )
        today = fields.Date.today()
        self.assertTrue(all(c.next_step_date <= today for c in cycles))
        setup.cr.commit()

        self._race_reminder_crons(cycles.ids, runs=4)

        check = self._connection()
        cycles_now = check["customer.replacement"].browse(cycles.ids)
        self.assertEqual(set(cycles_now.mapped("reminder_step")), {2})
        self.assertEqual(set(cycles_now.mapped("delivery")), {"print"})
        touchpoints = check["customer.touchpoint"].search(
            [("partner_id", "in", customers.ids)]
        )
        self.assertEqual(
            sorted(touchpoints.mapped("channel")),
            ["email"] * 3 + ["printed_mail"] * 3,
            "one email and one postcard per customer",
        )
        orders = check["sale.order"].search([("partner_id", "in", customers.ids)])
        self.assertEqual(len(orders), 3, "one quotation per cycle, for every step")
        notes = check["mail.message"].search_count(
            [
                ("model", "=", "customer.replacement"),
                ("res_id", "in", cycles.ids),
                ("body", "ilike", "Reminder step 2 sent"),
            ]
        )
        self.assertEqual(notes, 3)
