import ast
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import FollowupCase
from .test_migration_ranges import load_migration


@tagged("post_install", "-at_install")
class TestReplacementReminder(FollowupCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._sell(cls.customer, cls.cooker)

    def test_pressure_cooker_story(self):
        cycle = self._cycles()
        touchpoints = self.env["customer.touchpoint"]

        self._run_cron("2025-12-01 06:00:00")
        self.assertEqual(cycle.state, "planned", "too early: no reminder")
        self.assertFalse(cycle.quotation_id)
        self.assertFalse(self._reminder_mails(cycle))

        for hour in (6, 6, 18):
            self._run_cron(f"2025-12-20 {hour:02d}:00:00")
        self.assertEqual(cycle.state, "reminded")
        self.assertEqual(str(cycle.reminded_date), "2025-12-20")
        self.assertEqual(cycle.delivery, "mail")
        self.assertEqual(
            cycle.touchpoint_type_id,
            self.env.ref("customer_followup.touchpoint_type_email"),
        )

        quotation = cycle.quotation_id
        self.assertEqual(
            self.env["sale.order"].search_count(
                [("partner_id", "=", self.customer.id), ("state", "=", "draft")]
            ),
            1,
            "exactly one quotation however many times the cron runs",
        )
        self.assertEqual(quotation.order_line.product_id, self.gasket)
        self.assertEqual(quotation.order_line.product_uom_qty, 1)
        self.assertEqual(
            quotation.pricelist_id, self.customer.property_product_pricelist
        )
        self.assertEqual(quotation.amount_total, 15.0)
        self.assertEqual(quotation.user_id, self.salesman)
        self.assertFalse(
            self.env["mail.mail"].search(
                [("recipient_ids", "in", self.salesman.partner_id.ids)]
            ),
            "no assignment mail per quotation to the salesperson",
        )

        mail = self._reminder_mails(cycle)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "queued, not sent at once")
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertFalse(mail.attachment_ids, "no PDF in bulk reminders")
        self.assertIn("Rubber Gasket PC-600", mail.subject)
        body = str(mail.body_html)
        for expected in (
            "Pressure Cooker 6 L",
            "PC-600-GK",
            "01/15/2024",
            quotation.name,
            f"/my/orders/{quotation.id}?access_token={quotation.access_token}",
            # the short link and order code, as on the postcard
            f"/q/{quotation.followup_short_code}",
            quotation.followup_order_code,
        ):
            self.assertIn(expected, body)

        touchpoint = touchpoints.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(touchpoint), 1)
        self.assertEqual(touchpoint, cycle.touchpoint_id)
        self.assertEqual(touchpoint.origin, "reminder")
        self.assertEqual(
            touchpoint.type_id, self.env.ref("customer_followup.touchpoint_type_email")
        )
        self.assertEqual(touchpoint.sale_order_id, quotation)

        with freeze_time("2025-12-24 09:00:00"):
            quotation.action_confirm()
        self.assertEqual(cycle.state, "ordered")
        self.assertEqual(cycle.order_id, quotation)
        self.assertEqual(cycle.order_amount, 15.0)
        next_cycle = self._cycles() - cycle
        self.assertEqual(len(next_cycle), 1)
        self.assertEqual(next_cycle.cycle, 2)
        self.assertEqual(next_cycle.state, "planned")
        self.assertEqual(str(next_cycle.start_date), "2025-12-24")
        self.assertEqual(str(next_cycle.due_date), "2027-12-24")

        report = self.env["customer.replacement.report"].search(
            [("rule_id", "=", self.gasket_rule.id)]
        )
        self.assertEqual(report.reminded_count, 1)
        self.assertEqual(report.ordered_count, 1)
        self.assertEqual(
            report.touchpoint_type_id,
            self.env.ref("customer_followup.touchpoint_type_email"),
        )
        self.assertEqual(report.delivery, "mail")
        self.assertEqual(report.conversion_rate, 100.0)
        self.assertEqual(report.order_amount, 15.0)

    def test_part_bought_elsewhere(self):
        cycle = self._cycles()
        other = self._sell(self.customer, self.gasket, date="2025-06-01 10:00:00")
        self.assertEqual(cycle.state, "ordered", "closed when the order is confirmed")
        self.assertEqual(cycle.order_id, other)
        self.assertEqual(str((self._cycles() - cycle).start_date), "2025-06-01")

    def _imported_gasket_order(self, date):
        """An order of one gasket confirmed without the hook (imported)."""
        with freeze_time(date):
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [(0, 0, {"product_id": self.gasket.id})],
                }
            )
            order.write({"state": "sale", "date_order": date})
        return order

    def test_one_part_bought_for_two_machines(self):
        """A customer who owns two cookers and buys one gasket has replaced
        one of them: the other cooker's gasket is still reminded, by the
        order hook and by the cron; two gaskets replace both."""
        self._sell(self.customer, self.cooker, date="2024-03-01 10:00:00")
        first, second = self._cycles()
        self.assertEqual(first.part_product_id, second.part_product_id)
        one = self._sell(self.customer, self.gasket, date="2025-06-01 10:00:00")
        self.assertEqual(first.state, "ordered", "the one due first")
        self.assertEqual(first.order_id, one)
        self.assertEqual(second.state, "planned")
        self._run_cron("2026-02-20 06:00:00")
        self.assertEqual(second.state, "reminded", "the order covered one cooker")
        self.assertTrue(second.quotation_id)
        # the overview's conversion is the report's: the one cycle reminded
        # is not ordered yet (the order came without a reminder)
        with freeze_time("2026-02-20 06:00:00"):
            sections = self.env["customer.followup.overview"].get_overview()
        (pipeline,) = [
            s["rows"][0]
            for s in sections["sections"]
            if s["title"] == "Replacement parts"
        ]
        figures = {f["label"]: f["value"] for f in pipeline["figures"]}
        self.assertEqual(figures["Reminders Ordered"], "0 %")
        self.assertEqual(figures["Awaiting an Order"], "1")

        first_next = self._cycles().filtered(lambda c: c.state == "planned")
        two = self._sell(
            self.customer, [self.gasket, self.gasket], date="2026-03-02 10:00:00"
        )
        self.assertEqual((second | first_next).mapped("state"), ["ordered"] * 2)
        self.assertEqual((second | first_next).order_id, two)
        open_cycles = self._cycles().filtered(lambda c: c.state != "ordered")
        self.assertEqual(len(open_cycles), 2, "the next cycle of each cooker")

    def test_imported_order_covers_its_quantity(self):
        """An order imported without the hook is read by the cron: its
        quantity covers that many cycles, once."""
        self._sell(self.customer, self.cooker, date="2024-03-01 10:00:00")
        first, second = self._cycles()
        other = self._imported_gasket_order("2025-06-01 10:00:00")
        self._run_cron("2026-02-20 06:00:00")
        self.assertEqual(first.state, "ordered")
        self.assertEqual(first.order_id, other)
        self.assertEqual(second.state, "reminded")
        self._run_cron("2026-02-21 06:00:00")
        self.assertEqual(second.state, "reminded", "the order is not counted twice")

    def test_part_bought_before_cycle_existed(self):
        """Orders confirmed without going through the hook (imported history)
        are found by the cron: no reminder, the cycle is ordered."""
        cycle = self._cycles()
        other = self._imported_gasket_order("2025-06-01 10:00:00")
        self._run_cron("2025-12-20 06:00:00")
        self.assertEqual(cycle.state, "ordered")
        self.assertEqual(cycle.order_id, other)
        self.assertFalse(cycle.quotation_id)
        self.assertFalse(self._reminder_mails(cycle))
        self.assertEqual((self._cycles() - cycle).state, "planned")

    def test_other_order_closes_reminded_cycle(self):
        cycle = self._cycles()
        self._run_cron("2025-12-20 06:00:00")
        quotation = cycle.quotation_id
        other = self._sell(self.customer, self.gasket, date="2026-01-05 10:00:00")
        self.assertEqual(cycle.state, "ordered")
        self.assertEqual(cycle.order_id, other)
        self.assertEqual(quotation.state, "cancel", "stale reminder quotation")

    def test_expiry_plans_next_cycle(self):
        cycle = self._cycles()
        self._run_cron("2025-12-20 06:00:00")
        self._run_cron("2026-07-15 06:00:00")
        self.assertEqual(cycle.state, "reminded", "still within the window")
        self._run_cron("2026-07-16 06:00:00")
        self.assertEqual(cycle.state, "expired")
        next_cycle = self._cycles() - cycle
        self.assertEqual(next_cycle.cycle, 2)
        self.assertEqual(str(next_cycle.start_date), "2026-01-15")
        self.assertEqual(str(next_cycle.due_date), "2028-01-15")
        self.assertEqual(next_cycle.state, "planned")
        report = self.env["customer.replacement.report"].search(
            [("rule_id", "=", self.gasket_rule.id)]
        )
        self.assertEqual(report.conversion_rate, 0.0)

    def test_old_registration_catches_up(self):
        registration = self.env["customer.product.registration"].create(
            {
                "partner_id": self.customer.id,
                "product_id": self.cooker.id,
                "purchase_date": "2019-03-01",
            }
        )
        self._run_cron("2025-02-10 06:00:00")
        cycles = registration.replacement_ids.sorted("cycle")
        self.assertEqual(cycles.mapped("state"), ["expired", "reminded"])
        self.assertEqual(cycles.mapped("cycle"), [1, 2], "missed cycles are skipped")
        self.assertEqual(str(cycles[-1].due_date), "2025-03-01")

    def test_cancellation(self):
        cycle = self._cycles()
        self.order._action_cancel()
        self._run_cron("2025-12-20 06:00:00")
        self.assertEqual(cycle.state, "cancelled")
        self.assertFalse(self._reminder_mails(cycle))

    def test_archived_customer_and_stop_flag_get_nothing(self):
        cycle = self._cycles()
        self.customer.followup_no_replacement_reminder = True
        self._run_cron("2025-12-20 06:00:00")
        self.assertEqual(cycle.state, "planned")
        self.customer.followup_no_replacement_reminder = False
        self.customer.action_archive()
        self._run_cron("2025-12-21 06:00:00")
        self.assertEqual(cycle.state, "planned")
        self.assertFalse(cycle.quotation_id)

    def test_blacklisted_email_falls_back_to_postal(self):
        cycle = self._cycles()
        self.env["mail.blacklist"].sudo()._add(self.customer.email)
        self._run_cron("2025-12-20 06:00:00")
        self.assertEqual(cycle.state, "reminded")
        self.assertEqual(cycle.delivery, "print")
        self.assertFalse(cycle.printed)
        self.assertFalse(self._reminder_mails(cycle))
        self.assertIn("blacklisted", str(cycle.message_ids.mapped("body")))
        self.assertEqual(
            cycle.touchpoint_id.type_id,
            self.env.ref("customer_followup.touchpoint_type_printed_mail"),
        )
        report = self.env["customer.replacement.report"].search([("id", "=", cycle.id)])
        self.assertEqual(
            (report.touchpoint_type_id, report.delivery),
            (cycle.touchpoint_id.type_id, "print"),
            "the report shows the contact made, after the fallback",
        )
        postcards = self.env.ref(
            "customer_followup.action_customer_replacement_postcards"
        )
        self.assertIn(
            cycle,
            self.env["customer.replacement"].search(
                ast.literal_eval(postcards.domain)
                + [("printed", "=", False), ("state", "=", "reminded")]
            ),
        )

    def test_no_email_no_postal_falls_back_to_activity(self):
        cycle = self._cycles()
        self.customer.write({"email": False, "followup_no_postal": True})
        self._run_cron("2025-12-20 06:00:00")
        self.assertEqual(cycle.delivery, "activity")
        self.assertEqual(
            cycle.touchpoint_type_id,
            self.env.ref("customer_followup.touchpoint_type_call"),
        )
        self.assertIn("no email address", str(cycle.message_ids.mapped("body")))
        activity = cycle.quotation_id.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertFalse(cycle.touchpoint_id, "logged when the call is done")
        activity.action_feedback(feedback="Ordered on the phone")
        touchpoint = self.env["customer.touchpoint"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(touchpoint.sale_order_id, cycle.quotation_id)

    def test_part_ordered_cancels_the_reminder_call(self):
        """The salesperson's reminder call goes with its quotation when the
        customer orders the part by other means."""
        cycle = self._cycles()
        self.customer.write({"email": False, "followup_no_postal": True})
        self._run_cron("2025-12-20 06:00:00")
        quotation = cycle.quotation_id
        todo = quotation.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.salesman.id
        )
        self.assertEqual(len(quotation.activity_ids), 2)
        self._sell(self.customer, self.gasket, date="2026-01-05 10:00:00")
        self.assertEqual(cycle.state, "ordered")
        self.assertEqual(quotation.state, "cancel")
        self.assertEqual(quotation.activity_ids, todo, "the user's own to-do stays")

    def test_migration_links_sent_quotations_to_their_cycles(self):
        """19.0.1.6.0: the lines of reminder quotations sent before name
        their cycle, so that ordering the part elsewhere drops its line."""
        cycle = self._cycles()
        self._run_cron("2025-12-20 06:00:00")
        line = cycle.quotation_id.order_line
        line.followup_replacement_id = False
        self.env.flush_all()
        load_migration("19.0.1.6.0", "post-reminder-lines").migrate(
            self.env.cr, "19.0.1.5.0"
        )
        line.invalidate_recordset()
        self.assertEqual(line.followup_replacement_id, cycle)

    def test_opportunity_channel(self):
        self._set_delivery(self.gasket_rule, "opportunity")
        cycle = self._cycles()
        self._run_cron("2025-12-20 06:00:00")
        lead = cycle.lead_id
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.partner_id, self.customer)
        self.assertEqual(lead.user_id, self.salesman)
        self.assertEqual(lead.expected_revenue, 15.0)
        self.assertEqual(len(lead.activity_ids), 1)

    def test_several_rules_per_product(self):
        valve_rule = self.env["product.consumable.rule"].create(
            {
                "product_tmpl_id": self.cooker.product_tmpl_id.id,
                "part_product_id": self.valve.id,
                "interval_months": 60,
                "lead_days": 15,
                "delivery": "mail",
            }
        )
        self._run_cron("2025-12-20 06:00:00")
        self.assertEqual(self._cycles(rule=self.gasket_rule).state, "reminded")
        valve_cycle = self._cycles(rule=valve_rule)
        self.assertEqual(valve_cycle.state, "planned")
        self._run_cron("2028-12-31 06:00:00")
        self.assertEqual(valve_cycle.state, "reminded")
        self.assertEqual(valve_cycle.quotation_id.order_line.product_id, self.valve)
        # buying the gasket does not close the valve cycle
        self._sell(self.customer, self.gasket, date="2029-01-05 10:00:00")
        self.assertEqual(valve_cycle.state, "reminded")

    def test_concurrent_worker_already_reminded(self):
        """A cycle reminded by another worker between our search and our lock
        is skipped: the state is checked again after locking."""
        cycle = self._cycles()
        model = self.registry["customer.replacement"]
        original_lock = model.try_lock_for_update

        def lock_after_other_worker(records, **kwargs):
            records.env.cr.execute(
                "UPDATE customer_replacement SET state = 'reminded' WHERE id IN %s",
                [tuple(records.ids)],
            )
            return original_lock(records, **kwargs)

        with patch.object(model, "try_lock_for_update", lock_after_other_worker):
            self._run_cron("2025-12-20 06:00:00")
        self.assertEqual(cycle.state, "reminded")
        self.assertFalse(cycle.quotation_id, "the other worker's job, not ours")
        self.assertFalse(self._reminder_mails(cycle))

    def test_concurrent_worker_holds_lock(self):
        """Cycles locked by another worker are left to it, without looping."""
        cycle = self._cycles()
        model = self.registry["customer.replacement"]
        with patch.object(
            model, "try_lock_for_update", lambda records, **kwargs: records.browse()
        ):
            self._run_cron("2025-12-20 06:00:00")
        self.assertEqual(cycle.state, "planned")
        self._run_cron("2025-12-20 07:00:00")
        self.assertEqual(cycle.state, "reminded")

    def test_mail_in_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        template = self.env.ref("customer_followup.mail_template_replacement_reminder")
        cycle = self._cycles()
        self.assertEqual(template._render_lang(cycle.ids), {cycle.id: "fr_FR"})

    def test_salesman_sees_own_customers(self):
        other_salesman = self.salesman.copy({"login": "other_salesman"})
        cycle = self._cycles()
        replacements = self.env["customer.replacement"]
        self.assertEqual(
            replacements.with_user(self.salesman).search([("id", "=", cycle.id)]),
            cycle,
        )
        self.assertFalse(
            replacements.with_user(other_salesman).search([("id", "=", cycle.id)])
        )
        self.assertFalse(
            self.env["customer.product.registration"]
            .with_user(other_salesman)
            .search([("partner_id", "=", self.customer.id)])
        )
