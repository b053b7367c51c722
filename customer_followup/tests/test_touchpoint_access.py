from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import FollowupCase


class TestTouchpointAccess(FollowupCase):
    def test_salesman_logs_and_reads_but_does_not_configure(self):
        touchpoint = (
            self.env["customer.touchpoint"]
            .with_user(self.salesman)
            .create({"partner_id": self.customer.id, "type_id": self.type_call.id})
        )
        self.assertEqual(touchpoint.with_user(self.salesman).summary, False)
        self.assertTrue(self.type_call.with_user(self.salesman).name)
        with self.assertRaises(AccessError):
            self.type_call.with_user(self.salesman).weight = 4
        with self.assertRaises(AccessError):
            self.env["customer.touchpoint.type"].with_user(self.salesman).create(
                {"name": "Fax", "channel": "other", "weight": 1}
            )
        with self.assertRaises(AccessError):
            touchpoint.with_user(self.salesman).unlink()

    def test_manager_configures_types(self):
        new_type = (
            self.env["customer.touchpoint.type"]
            .with_user(self.manager)
            .create({"name": "Trade fair", "channel": "visit", "weight": 8})
        )
        new_type.with_user(self.manager).weight = 9
        self.assertEqual(new_type.weight, 9)

    def test_groups_are_implied_by_sales_groups(self):
        self.assertTrue(
            self.salesman.has_group("customer_followup.group_followup_user")
        )
        self.assertFalse(
            self.salesman.has_group("customer_followup.group_followup_manager")
        )
        self.assertTrue(
            self.manager.has_group("customer_followup.group_followup_manager")
        )

    def test_salesman_sees_only_own_customers(self):
        other_salesman = new_test_user(
            self.env, login="cf_other", groups="sales_team.group_sale_salesman"
        )
        other_customer = self.env["res.partner"].create(
            {
                "name": "Other's customer",
                "is_company": True,
                "user_id": other_salesman.id,
            }
        )
        Touchpoint = self.env["customer.touchpoint"]
        mine = Touchpoint.create(
            {"partner_id": self.customer.id, "type_id": self.type_call.id}
        )
        theirs = Touchpoint.create(
            {
                "partner_id": other_customer.id,
                "type_id": self.type_call.id,
                "user_id": other_salesman.id,
            }
        )
        visible = Touchpoint.with_user(self.salesman).search(
            [("id", "in", (mine | theirs).ids)]
        )
        self.assertEqual(visible, mine)
        visible = Touchpoint.with_user(self.manager).search(
            [("id", "in", (mine | theirs).ids)]
        )
        self.assertEqual(visible, mine | theirs)

    def test_multi_company_isolation(self):
        company_b = self.env["res.company"].create({"name": "Osaka Branch"})
        user_b = new_test_user(
            self.env,
            login="cf_user_b",
            groups="sales_team.group_sale_manager",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
        )
        Touchpoint = self.env["customer.touchpoint"]
        in_a = Touchpoint.create(
            {"partner_id": self.customer.id, "type_id": self.type_call.id}
        )
        in_b = Touchpoint.with_company(company_b).create(
            {"partner_id": self.customer.id, "type_id": self.type_call.id}
        )
        self.assertEqual(in_b.company_id, company_b)
        visible = Touchpoint.with_user(user_b).search([("id", "in", (in_a | in_b).ids)])
        self.assertEqual(visible, in_b)
        with self.assertRaises(AccessError):
            in_a.with_user(user_b).read(["summary"])
