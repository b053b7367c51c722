from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common_consumables import ConsumablesCommon

BACKEND_MODELS = [
    "customer.touchpoint",
    "customer.touchpoint.type",
    "customer.tier",
    "product.consumable.rule",
    "customer.product.registration",
    "customer.replacement",
]


@tagged("post_install", "-at_install")
class TestAccessRights(ConsumablesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_salesman = new_test_user(
            cls.env, login="cf_other_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.team_lead = new_test_user(
            cls.env,
            login="cf_team_lead",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.manager = new_test_user(
            cls.env, login="cf_access_manager", groups="sales_team.group_sale_manager"
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Other's Customer", "user_id": cls.other_salesman.id}
        )
        cls._sell(cls.customer, cls.cooker)
        cls._sell(cls.other_customer, cls.cooker)
        Registration = cls.env["customer.product.registration"]
        cls.mine = Registration.search([("partner_id", "=", cls.customer.id)])
        cls.theirs = Registration.search([("partner_id", "=", cls.other_customer.id)])
        call = cls.env.ref("customer_followup.touchpoint_type_call")
        Touchpoint = cls.env["customer.touchpoint"]
        cls.my_touchpoint = Touchpoint.create(
            {"partner_id": cls.customer.id, "type_id": call.id}
        )
        cls.their_touchpoint = Touchpoint.create(
            {
                "partner_id": cls.other_customer.id,
                "type_id": call.id,
                "user_id": cls.other_salesman.id,
            }
        )

    def _visible(self, user, model, records):
        return self.env[model].with_user(user).search([("id", "in", records.ids)])

    def test_salesperson_sees_only_own_customers(self):
        pairs = [
            ("customer.touchpoint", self.my_touchpoint, self.their_touchpoint),
            ("customer.product.registration", self.mine, self.theirs),
            (
                "customer.replacement",
                self.mine.replacement_ids,
                self.theirs.replacement_ids,
            ),
        ]
        for model, mine, theirs in pairs:
            with self.subTest(model=model):
                self.assertEqual(
                    self._visible(self.salesman, model, mine | theirs), mine
                )
                self.assertEqual(
                    self._visible(self.team_lead, model, mine | theirs), mine | theirs
                )
                with self.assertRaises(AccessError):
                    theirs.with_user(self.salesman).read(["id"])

    def test_public_methods_check_access(self):
        their_cycle = self.theirs.replacement_ids
        with self.assertRaises(AccessError):
            their_cycle.with_user(self.salesman).action_cancel()
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.salesman).action_retire()
        self.assertEqual(their_cycle.state, "planned")
        self.assertEqual(self.theirs.state, "active")

    def test_configuration_is_manager_only(self):
        configs = {
            "customer.touchpoint.type": self.env.ref(
                "customer_followup.touchpoint_type_call"
            ),
            "customer.tier": self.env.ref("customer_followup.customer_tier_a"),
            "product.consumable.rule": self.gasket_rule,
        }
        for model, record in configs.items():
            with self.subTest(model=model):
                self.assertTrue(record.with_user(self.salesman).display_name)
                with self.assertRaises(AccessError):
                    record.with_user(self.salesman).write({"active": True})
                record.with_user(self.manager).write({"active": True})
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.manager).create({})

    def test_portal_user_reads_nothing_in_the_backend(self):
        portal = new_test_user(self.env, login="cf_portal", groups="base.group_portal")
        for model in BACKEND_MODELS:
            with self.subTest(model=model):
                self.assertFalse(self.env[model].with_user(portal).has_access("read"))

    def test_other_company_sees_nothing(self):
        branch = self.env["res.company"].create({"name": "Osaka Branch"})
        outsider = new_test_user(
            self.env,
            login="cf_branch_manager",
            groups="sales_team.group_sale_manager",
            company_id=branch.id,
            company_ids=[(6, 0, branch.ids)],
        )
        records = {
            "customer.touchpoint": self.my_touchpoint | self.their_touchpoint,
            "customer.product.registration": self.mine | self.theirs,
            "customer.replacement": (self.mine | self.theirs).replacement_ids,
            "product.consumable.rule": self.gasket_rule,
        }
        for model, recs in records.items():
            with self.subTest(model=model):
                self.assertFalse(self._visible(outsider, model, recs))
