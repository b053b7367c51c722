from unittest.mock import patch

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from .common import FollowupCase, load_japanese

INTERVALS_CRON = "customer_followup.ir_cron_reorder_intervals"
# coffee and tea every 28 days: expected on 2025-12-22, reminded from 12-15
REGULAR_DAYS = ("2025-09-01", "2025-09-29", "2025-10-27", "2025-11-24")


@tagged("post_install", "-at_install")
class TestGroupedReminder(FollowupCase):
    """One reminder per customer: the parts due within the grouping days and
    the late regular products in one quotation and one mail; each cycle
    still ends once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "followup_window_months": 24,
                "followup_reorder_delivery": "mail",
                "followup_reorder_lead_days": 7,
                "followup_reorder_window_days": 60,
                "followup_reminder_group_days": 14,
            }
        )
        Product = cls.env["product.product"]
        vals = {"type": "consu", "sale_ok": True, "taxes_id": False}
        cls.filter = Product.create(
            dict(vals, name="Kettle Filter", default_code="KT-FL", list_price=8.0)
        )
        cls.descaler = Product.create(dict(vals, name="Descaler", list_price=6.0))
        cls.beans, cls.tea = Product.create(
            [
                dict(vals, name=name, list_price=price, followup_replenishable=True)
                for name, price in (("Coffee Beans 1 kg", 40.0), ("Green Tea", 12.0))
            ]
        )
        rule_vals = {
            "interval_months": 24,
            "window_months": 6,
            "touchpoint_type_id": cls.type_email.id,
            "delivery": "mail",
        }
        Rule = cls.env["product.consumable.rule"]
        # the valve's reminder is due 10 days after the gasket's: grouped
        cls.valve_rule = Rule.create(
            dict(
                rule_vals,
                product_tmpl_id=cls.cooker.product_tmpl_id.id,
                part_product_id=cls.valve.id,
                lead_days=20,
            )
        )
        cls.filter_rule = Rule.create(
            dict(
                rule_vals,
                product_tmpl_id=cls.kettle.product_tmpl_id.id,
                part_product_id=cls.filter.id,
                lead_days=30,
            )
        )
        cls._sell(cls.customer, cls.cooker | cls.kettle)
        for day in REGULAR_DAYS:
            cls._sell(cls.customer, cls.beans | cls.tea, f"{day} 10:00:00")

    def _remind(self, now="2025-12-16 03:00:00"):
        self._run_cron(now, INTERVALS_CRON)
        self._run_cron(now)

    def test_one_quotation_one_mail_each_cycle_ends_once(self):
        self._remind()
        self._remind("2025-12-16 09:00:00")
        cycles = self._cycles()
        parts = cycles.filtered(lambda c: c.source == "rule")
        regulars = cycles - parts
        self.assertEqual(parts.part_product_id, self.gasket | self.valve | self.filter)
        self.assertEqual(regulars.part_product_id, self.beans | self.tea)
        self.assertEqual(set(cycles.mapped("state")), {"reminded"})
        quotation = cycles.quotation_id
        self.assertEqual(len(quotation), 1, "one quotation for everything due")
        self.assertEqual(
            self.env["sale.order"].search_count(
                [("partner_id", "=", self.customer.id), ("state", "=", "draft")]
            ),
            1,
        )
        lines = quotation.order_line.filtered(lambda line: not line.display_type)
        self.assertEqual(lines.followup_replacement_id, cycles)
        for line in lines:
            optional = line._is_line_optional()
            self.assertEqual(optional, line.followup_replacement_id in regulars)
            self.assertEqual(line.product_uom_qty, 0 if optional else 1)
        self.assertEqual(quotation.amount_untaxed, 15.0 + 22.0 + 8.0)

        mails = self._reminder_mails(cycles)
        self.assertEqual(len(mails), 1, "one mail naming all")
        self.assertEqual(mails.recipient_ids, self.customer)
        body = str(mails.body_html)
        for name in (
            "Pressure Cooker 6 L",
            "Kettle",
            "Rubber Gasket PC-600",
            "Safety Valve PC-600",
            "Kettle Filter",
            "Coffee Beans 1 kg",
            "Green Tea",
            quotation.name,
            f"/q/{quotation.followup_short_code}",
        ):
            self.assertIn(name, body)
        self.assertIn("Rubber Gasket PC-600", mails.subject)
        self.assertLess(body.index("Pressure Cooker 6 L"), body.index("Coffee Beans"))

        touchpoint = self.env["customer.touchpoint"].search(
            [("partner_id", "=", self.customer.id), ("origin", "=", "reminder")]
        )
        self.assertEqual(len(touchpoint), 1, "one contact, not five")
        self.assertEqual(cycles.touchpoint_id, touchpoint)

        # ordering the valve elsewhere ends its cycle only
        valve_cycle = cycles.filtered(lambda c: c.part_product_id == self.valve)
        other = self._sell(self.customer, self.valve, "2025-12-20 10:00:00")
        self.assertEqual(valve_cycle.state, "ordered")
        self.assertEqual(valve_cycle.order_id, other)
        self.assertEqual(set((cycles - valve_cycle).mapped("state")), {"reminded"})
        self.assertEqual(quotation.state, "draft", "still the others' quotation")
        self.assertNotIn(self.valve, quotation.order_line.product_id)
        next_valve = self._cycles(rule=self.valve_rule) - valve_cycle
        self.assertEqual(next_valve.state, "planned")

        # the quotation confirmed: its parts' cycles end, the optional
        # reorders not taken stay open until their window ends
        with freeze_time("2025-12-24 09:00:00"):
            quotation.action_confirm()
        self.assertEqual((parts - valve_cycle).mapped("state"), ["ordered", "ordered"])
        self.assertEqual(set(regulars.mapped("state")), {"reminded"})
        report = self.env["customer.replacement.report"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(sum(report.mapped("reminded_count")), 5, "each line counts")
        self.assertEqual(sum(report.mapped("ordered_count")), 3)
        self.assertEqual(sum(report.mapped("order_amount")), 15.0 + 22.0 + 8.0)

    def test_not_grouped_beyond_the_grouping_days(self):
        self.company.followup_reminder_group_days = 5
        self._remind()
        valve_cycle = self._cycles(rule=self.valve_rule)
        self.assertEqual(valve_cycle.state, "planned", "due in 10 days: later")
        reminded = self._cycles().filtered(lambda c: c.state == "reminded")
        self.assertEqual(len(reminded), 4)
        self.assertEqual(len(reminded.quotation_id), 1)

    def test_bought_together_offered_as_optional(self):
        Partner = self.env["res.partner"]
        for index in range(3):
            buyer = Partner.create({"name": f"Gasket buyer {index}"})
            self._sell(buyer, self.gasket | self.descaler, "2025-03-01 10:00:00")
        for index in range(4):
            buyer = Partner.create({"name": f"Other buyer {index}"})
            self._sell(buyer, self.kettle, "2025-03-01 10:00:00")
        self._remind()
        quotation = self._cycles().quotation_id
        companion = quotation.order_line.filtered(
            lambda line: line.product_id == self.descaler
        )
        self.assertEqual(len(companion), 1)
        self.assertTrue(companion._is_line_optional())
        self.assertEqual(companion.product_uom_qty, 0)
        self.assertFalse(companion.followup_replacement_id)
        self.assertIn("Often bought together", companion.parent_id.name)
        body = str(self._reminder_mails(self._cycles()).body_html)
        self.assertIn("Descaler", body)

    def test_everybody_buys_it_is_no_companion(self):
        """The lift rule: a product most customers buy goes with the part
        by chance."""
        Partner = self.env["res.partner"]
        for index in range(3):
            buyer = Partner.create({"name": f"Gasket buyer {index}"})
            self._sell(buyer, self.gasket | self.descaler, "2025-03-01 10:00:00")
        # more buyers of the descaler alone than of anything else: the lift
        # fails, however many customers the database has
        customers = len(
            self.env["sale.order"]
            .search([("state", "=", "sale"), ("company_id", "=", self.company.id)])
            .partner_id.commercial_partner_id
        )
        for index in range(customers):
            buyer = Partner.create({"name": f"Descaler buyer {index}"})
            self._sell(buyer, self.descaler, "2025-03-01 10:00:00")
        self._remind()
        quotation = self._cycles().quotation_id
        self.assertNotIn(self.descaler, quotation.order_line.product_id)

    def test_one_postcard_per_customer(self):
        for rule in (self.gasket_rule, self.valve_rule, self.filter_rule):
            self._set_delivery(rule, "print")
        self._remind()
        cycles = self._cycles()
        parts = cycles.filtered(lambda c: c.source == "rule")
        self.assertEqual(set(cycles.mapped("delivery")), {"print"})
        self.assertEqual(len(cycles.quotation_id), 1)
        html = self._hagaki_html(cycles)
        self.assertEqual(html.count("Time to replace or reorder"), 1, "one card")
        for cycle in parts:
            self.assertIn(cycle.part_product_id.name, html)
        self.assertIn("Coffee Beans 1 kg, to reorder around", html)
        self.assertIn(cycles.quotation_id.followup_order_code, html)
        touchpoint = self.env["customer.touchpoint"].search(
            [("partner_id", "=", self.customer.id), ("origin", "=", "reminder")]
        )
        self.assertEqual(len(touchpoint), 1)
        self.assertEqual(touchpoint.type_id, self.type_printed)
        # printing the card of one of them prints the card of all
        cycles[:1].action_print_postcards()
        self.assertEqual(set(cycles.mapped("printed")), {True})

    def test_one_call_per_customer(self):
        for rule in (self.gasket_rule, self.valve_rule, self.filter_rule):
            self._set_delivery(rule, "activity")
        self._remind()
        quotation = self._cycles().quotation_id
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", quotation.id)]
        )
        self.assertEqual(len(activities), 1)
        self.assertIn("Reminder of 5 items", activities.summary)
        for name in ("Kettle Filter", "Green Tea", "Safety Valve PC-600"):
            self.assertIn(name, str(activities.note))

    def test_grouped_mail_in_japanese(self):
        load_japanese(self.env)
        self.customer.lang = "ja_JP"
        self._remind()
        cycles = self._cycles()
        mail = self._reminder_mails(cycles)
        self.assertEqual(len(mail), 1)
        body = str(mail.body_html)
        for text in ("様", "まとめて注文する", "（オプション）"):
            self.assertIn(
                text,
                body
                + mail.subject
                + str(cycles.quotation_id.order_line.mapped("name")),
            )
        self.assertIn("交換・再注文のご案内", mail.subject)
        self.assertIn("Kettle Filter", body)
        section = cycles.quotation_id.order_line.filtered("is_optional")
        self.assertEqual(section.name, "そろそろ再注文の時期の商品（オプション）")

    def _with_postcard_step(self, valve_delay=14):
        for rule, delay in ((self.gasket_rule, 14), (self.valve_rule, valve_delay)):
            rule.step_ids = [
                Command.create(
                    {
                        "delay_days": delay,
                        "delivery": "print",
                        "touchpoint_type_id": self.type_printed.id,
                    }
                )
            ]

    def test_escalation_steps_of_a_day_are_one_reminder(self):
        self._with_postcard_step()
        self._remind()
        cycles = self._cycles()
        gasket_valve = cycles.filtered(
            lambda c: c.rule_id in (self.gasket_rule | self.valve_rule)
        )
        self._run_cron("2025-12-30 06:00:00")
        self.assertEqual(gasket_valve.mapped("reminder_step"), [2, 2])
        self.assertEqual(set(gasket_valve.mapped("delivery")), {"print"})
        self.assertEqual((cycles - gasket_valve).mapped("reminder_step"), [1, 1, 1])
        postcard = gasket_valve.touchpoint_id
        self.assertEqual(len(postcard), 1, "one card for both parts")
        self.assertEqual(postcard.type_id, self.type_printed)
        html = self._hagaki_html(gasket_valve)
        self.assertEqual(html.count("Time to replace or reorder"), 1)

    def test_grouped_parts_escalate_together(self):
        """The valve's rule waits a week longer for its postcard than the
        gasket's: the customer still gets one card for both, on the first
        date, not a second one a week later."""
        self._with_postcard_step(valve_delay=21)
        self._remind()
        gasket_valve = self._cycles().filtered(
            lambda c: c.rule_id in (self.gasket_rule | self.valve_rule)
        )
        self._run_cron("2025-12-30 06:00:00")
        self.assertEqual(gasket_valve.mapped("reminder_step"), [2, 2])
        self.assertEqual(len(gasket_valve.touchpoint_id), 1, "one card for both")
        self._run_cron("2026-01-06 06:00:00")
        self.assertEqual(gasket_valve.mapped("reminder_step"), [2, 2])
        cards = self.env["customer.touchpoint"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("type_id", "=", self.type_printed.id),
            ]
        )
        self.assertEqual(len(cards), 1, "no second card a week later")

    def test_reply_to_the_grouped_mail_stops_every_part(self):
        self._with_postcard_step()
        self._remind()
        cycles = self._cycles()
        lead = self._reminder_mails(cycles).res_id
        with freeze_time("2025-12-20 09:00:00"):
            cycles.browse(lead).message_post(
                body="Which valve fits my cooker?",
                author_id=self.customer.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self._run_cron("2025-12-30 06:00:00")
        gasket_valve = cycles.filtered(
            lambda c: c.rule_id in (self.gasket_rule | self.valve_rule)
        )
        self.assertEqual(gasket_valve.mapped("escalation_stop"), ["replied", "replied"])
        self.assertEqual(gasket_valve.mapped("reminder_step"), [1, 1])

    def _counted_companion_queries(self):
        """A patch counting the queries of what is bought with the parts, and
        the list of their calls."""
        Reminder = self.registry["customer.replacement.reminder"]
        query = Reminder._companions_query
        calls = []

        def counted(service, company, parts):
            calls.append(parts)
            return query(service, company, parts)

        return patch.object(Reminder, "_companions_query", counted), calls

    def test_history_read_once_per_run(self):
        """What is bought with the parts is read once per run, not once per
        batch: the query reads every order line."""
        other = self.env["res.partner"].create({"name": "Second Owner"})
        self._sell(other, self.cooker)
        counted, calls = self._counted_companion_queries()
        with (
            counted,
            freeze_time("2025-12-16 03:00:00"),
        ):
            self.env["customer.replacement"]._cron_send_reminders(batch_size=1)
        quotations = (self._cycles() | self._cycles(other)).quotation_id
        self.assertEqual(len(quotations), 2, "one per customer")
        self.assertEqual(len(calls), 1)

    def test_history_read_once_per_process_until_an_order_is_added(self):
        """A reminder cron past its time budget is called again for each
        batch: what is bought with the parts is read again only once the
        order history grew (or the shop's day changed)."""
        other = self.env["res.partner"].create({"name": "Third Owner"})
        self._sell(other, self.cooker)
        counted, calls = self._counted_companion_queries()
        reminder = self.env["customer.replacement.reminder"]
        company = self.env.company
        with (
            counted,
            freeze_time("2025-12-16 03:00:00"),
        ):
            first = reminder._companions_of_parts(company)
            self.assertEqual(reminder._companions_of_parts(company), first)
            self.assertEqual(len(calls), 1, "the next call of the cron reads nothing")
            # the reminder cron plans cycles as it goes: of parts already known
            open_cycle = self.env["customer.replacement"].search(
                [("state", "in", ("planned", "reminded"))], limit=1
            )
            open_cycle.copy({"state": "planned", "cycle": open_cycle.cycle + 1})
            reminder._companions_of_parts(company)
            self.assertEqual(len(calls), 1, "nor after a cycle of a known part")
            self._sell(other, self.cooker)
            reminder._companions_of_parts(company)
            self.assertEqual(len(calls), 2, "a new order is read")
        with (
            counted,
            freeze_time("2025-12-17 03:00:00"),
        ):
            reminder._companions_of_parts(company)
        self.assertEqual(len(calls), 3, "and the next day")
