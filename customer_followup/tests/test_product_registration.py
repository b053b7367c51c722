from odoo.tests import tagged

from .common import FollowupCase


@tagged("post_install", "-at_install")
class TestProductRegistration(FollowupCase):
    def test_confirmed_sale_registers_products_with_rules(self):
        order = self._sell(self.customer, self.cooker | self.kettle)
        registration = order.registration_ids
        self.assertEqual(len(registration), 1, "only the product with a rule")
        self.assertEqual(registration.product_id, self.cooker)
        self.assertEqual(registration.partner_id, self.customer)
        self.assertEqual(str(registration.purchase_date), "2024-01-15")
        self.assertEqual(registration.sale_line_id.order_id, order)
        self.assertEqual(registration.state, "active")
        self.assertEqual(order.registration_count, 1)
        self.assertEqual(self.customer.product_registration_count, 1)

        cycle = self._cycles()
        self.assertEqual(len(cycle), 1)
        self.assertEqual(cycle.rule_id, self.gasket_rule)
        self.assertEqual(cycle.cycle, 1)
        self.assertEqual(str(cycle.start_date), "2024-01-15")
        self.assertEqual(str(cycle.due_date), "2026-01-15")
        self.assertEqual(str(cycle.remind_date), "2025-12-16")
        self.assertEqual(str(cycle.expiry_date), "2026-07-15")
        self.assertEqual(cycle.state, "planned")

    def test_draft_quotation_registers_nothing(self):
        order = self._sell(self.customer, self.cooker, confirm=False)
        self.assertFalse(order.registration_ids)

    def test_contact_order_registers_commercial_partner(self):
        company = self.env["res.partner"].create(
            {"name": "Kitchen Co", "is_company": True, "email": "kc@example.com"}
        )
        contact = self.env["res.partner"].create(
            {"name": "Chef", "parent_id": company.id, "email": "chef@example.com"}
        )
        order = self._sell(contact, self.cooker)
        self.assertEqual(order.registration_ids.partner_id, company)
        self.assertEqual(contact.product_registration_count, 1)

    def test_cancel_order_retires_registrations(self):
        order = self._sell(self.customer, self.cooker)
        cycle = self._cycles()
        order._action_cancel()
        self.assertEqual(order.registration_ids.state, "retired")
        self.assertEqual(cycle.state, "cancelled")

    def test_manual_registration(self):
        registration = self.env["customer.product.registration"].create(
            {
                "partner_id": self.customer.id,
                "product_id": self.cooker.id,
                "serial": "PC600-9999",
                "purchase_date": "2023-05-01",
            }
        )
        self.assertFalse(registration.sale_line_id)
        cycle = registration.replacement_ids
        self.assertEqual(str(cycle.due_date), "2025-05-01")
        self.assertEqual(registration.next_due_date, cycle.due_date)
        registration.action_retire()
        self.assertEqual(cycle.state, "cancelled")
        registration.action_reactivate()
        self.assertEqual(len(registration.replacement_ids), 2)
        self.assertEqual(
            registration.replacement_ids.filtered(lambda c: c.state == "planned").cycle,
            2,
        )

    def test_smart_button_actions(self):
        order = self._sell(self.customer, self.cooker)
        action = order.action_view_registrations()
        self.assertEqual(
            self.env[action["res_model"]].search(action["domain"]),
            order.registration_ids,
        )
        action = self.customer.action_view_product_registrations()
        self.assertEqual(
            self.env[action["res_model"]].search(action["domain"]),
            order.registration_ids,
        )
