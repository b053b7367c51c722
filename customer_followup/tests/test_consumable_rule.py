from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import FollowupCase


@tagged("post_install", "-at_install")
class TestConsumableRule(FollowupCase):
    def _rule_vals(self, **overrides):
        vals = {
            "product_tmpl_id": self.cooker.product_tmpl_id.id,
            "part_product_id": self.valve.id,
            "interval_months": 60,
            "lead_days": 30,
            "window_months": 12,
            "quantity": 1,
        }
        vals.update(overrides)
        return vals

    def test_several_rules_per_product(self):
        rule = self.env["product.consumable.rule"].create(self._rule_vals())
        self.assertEqual(
            self.cooker.product_tmpl_id.consumable_rule_ids, self.gasket_rule | rule
        )
        self.assertEqual(
            rule.mail_template_id,
            self.env.ref("customer_followup.mail_template_replacement_reminder"),
        )

    def test_bad_rules_are_refused(self):
        rules = self.env["product.consumable.rule"].with_context(active_test=False)
        count = rules.search_count([])
        bad_values = [
            ({"interval_months": 0}, "Interval (months) must be between 1 and 240."),
            ({"interval_months": -3}, "Interval (months)"),
            ({"interval_months": 1000000}, "Interval (months)"),
            ({"part_product_id": self.cooker.id}, "another product"),
            ({"lead_days": -1}, "Lead Time (days) must be between 0 and 365."),
            ({"lead_days": 1e9}, "Lead Time (days)"),
            ({"quantity": -1}, "Quantity must be between 0.01 and 10,000."),
            ({"quantity": 0}, "Quantity"),
            ({"window_months": -1}, "Window (months) must be between 0 and 120."),
            ({"window_months": 1000000}, "Window (months)"),
        ]
        for overrides, message in bad_values:
            with self.subTest(overrides=overrides):
                with self.assertRaises(ValidationError) as error:
                    rules.create(self._rule_vals(**overrides))
                self.assertIn(message, str(error.exception))
        self.assertEqual(rules.search_count([]), count, "nothing must be written")

    def test_bad_write_is_refused(self):
        for overrides in (
            {"interval_months": 0},
            {"lead_days": -5},
            {"quantity": -2},
            {"part_product_id": self.cooker.id},
        ):
            with self.subTest(overrides=overrides), self.assertRaises(ValidationError):
                self.gasket_rule.write(overrides)
        self.env.invalidate_all()
        self.assertEqual(self.gasket_rule.interval_months, 24)
        self.assertEqual(self.gasket_rule.lead_days, 30)
        self.assertEqual(self.gasket_rule.part_product_id, self.gasket)

    def test_part_must_be_saleable(self):
        self.valve.sale_ok = False
        with self.assertRaises(ValidationError) as error:
            self.env["product.consumable.rule"].create(self._rule_vals())
        self.assertIn("saleable", str(error.exception))

    def test_new_rule_plans_existing_registrations(self):
        self._sell(self.customer, self.cooker)
        self.assertEqual(len(self._cycles()), 1)
        rule = self.env["product.consumable.rule"].create(self._rule_vals())
        valve_cycle = self._cycles(rule=rule)
        self.assertEqual(len(valve_cycle), 1)
        self.assertEqual(str(valve_cycle.due_date), "2029-01-15")

    def test_delivery_proposes_its_touchpoint_type(self):
        ref = self.env.ref
        # a new rule's form shows its first reminder as step 1
        rule_form = Form(self.env["product.consumable.rule"])
        self.assertEqual(len(rule_form.step_ids), 1)
        with rule_form.step_ids.edit(0) as form:
            self.assertEqual(form.delivery, "mail")
            self.assertEqual(
                form.touchpoint_type_id, ref("customer_followup.touchpoint_type_email")
            )
            form.delivery = "print"
            self.assertEqual(
                form.touchpoint_type_id,
                ref("customer_followup.touchpoint_type_printed_mail"),
            )
            form.touchpoint_type_id = ref("customer_followup.touchpoint_type_postcard")
            form.delivery = "activity"
            self.assertEqual(
                form.touchpoint_type_id,
                ref("customer_followup.touchpoint_type_postcard"),
                "an activity may ask for any contact, e.g. a handwritten postcard",
            )
            form.delivery = "mail"
            self.assertEqual(
                form.touchpoint_type_id, ref("customer_followup.touchpoint_type_email")
            )

    def test_touchpoint_type_fits_delivery(self):
        """A printed step logs printed mail: letters and postcards are
        written by a salesperson (an activity may ask for them)."""
        ref = self.env.ref
        call = ref("customer_followup.touchpoint_type_call")
        postcard = ref("customer_followup.touchpoint_type_postcard")
        for vals, message in (
            ({"touchpoint_type_id": call.id}, "of the channel Email, not Phone call"),
            (
                {"delivery": "print", "touchpoint_type_id": postcard.id},
                "of the channel Printed mail, not Handwritten postcard",
            ),
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaises(ValidationError) as error,
                self.cr.savepoint(),
            ):
                self.gasket_rule.write(vals)
            self.assertIn(message, str(error.exception))
        self.gasket_rule.write(
            {"delivery": "activity", "touchpoint_type_id": postcard.id}
        )
        # the form proposes the printed delivery's own type (see above)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.gasket_rule.write({"delivery": "print"})
