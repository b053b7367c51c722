from odoo.tests import new_test_user, tagged

from .common import FollowupCase


@tagged("post_install", "-at_install")
class TestFaultCustomerChanges(FollowupCase):
    def test_merge_keeps_registrations_cycles_and_touchpoints(self):
        duplicate = self.env["res.partner"].create(
            {"name": "Taro Yamada (duplicate)", "email": "taro@example.com"}
        )
        self._sell(self.customer, self.cooker)
        self._sell(duplicate, self.cooker, date="2024-06-01 10:00:00")
        touchpoint = self.env["customer.touchpoint"].create(
            {
                "partner_id": duplicate.id,
                "type_id": self.env.ref("customer_followup.touchpoint_type_call").id,
            }
        )
        registrations = self.env["customer.product.registration"].search(
            [("partner_id", "in", (self.customer | duplicate).ids)]
        )
        cycles = registrations.replacement_ids
        self.assertEqual((len(registrations), len(cycles)), (2, 2))
        self.env["base.partner.merge.automatic.wizard"]._merge(
            (self.customer | duplicate).ids, self.customer
        )
        self.env.invalidate_all()
        self.assertFalse(duplicate.exists())
        self.assertEqual(registrations.partner_id, self.customer)
        self.assertEqual(cycles.partner_id, self.customer)
        self.assertEqual(touchpoint.partner_id, self.customer)
        self.assertEqual(self.customer.touchpoint_ids, touchpoint)

    def test_archive_unarchive_company_and_salesperson_changes(self):
        self._sell(self.customer, self.cooker)
        cycle = self._cycles()
        self.customer.action_archive()
        self._run_cron("2025-12-20 06:00:00")
        self.assertEqual(cycle.state, "planned", "archived customers get nothing")
        self.customer.action_unarchive()
        other_salesman = new_test_user(
            self.env, login="cf_new_salesman", groups="sales_team.group_sale_salesman"
        )
        self.customer.user_id = other_salesman
        self._run_cron("2025-12-21 06:00:00")
        self.assertEqual(cycle.state, "reminded")
        self.assertEqual(cycle.quotation_id.user_id, other_salesman)
        branch = self.env["res.company"].create({"name": "Osaka Branch"})
        self.customer.company_id = branch
        self.assertEqual(cycle.registration_id.partner_id, self.customer)
