from datetime import datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user


class FollowupTierCommon(TransactionCase):
    """Own tiers and customers, independent of demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.write(
            {
                "followup_window_months": 24,
                "followup_weight_recency": 30,
                "followup_weight_frequency": 25,
                "followup_weight_monetary": 25,
                "followup_weight_margin": 20,
                "followup_strategic_bonus": 30,
                "followup_horizon_days": 7,
                "followup_user_id": False,
            }
        )
        cls.env["customer.tier"].search([]).action_archive()
        ref = cls.env.ref
        cls.type_visit = ref("customer_followup.touchpoint_type_visit")
        cls.type_call = ref("customer_followup.touchpoint_type_call")
        cls.type_letter = ref("customer_followup.touchpoint_type_letter")
        cls.type_postcard = ref("customer_followup.touchpoint_type_postcard")
        cls.type_printed = ref("customer_followup.touchpoint_type_printed_mail")
        cls.type_email = ref("customer_followup.touchpoint_type_email")
        cls.type_postcard.capacity_per_user_month = 2
        Tier = cls.env["customer.tier"]
        cls.tier_a = Tier.create(
            {
                "name": "Test key",
                "code": "TA",
                "sequence": 1,
                "min_score": 70,
                "cadence_days": 30,
                "touchpoint_type_id": cls.type_visit.id,
            }
        )
        cls.tier_b = Tier.create(
            {
                "name": "Test loyal",
                "code": "TB",
                "sequence": 2,
                "min_score": 40,
                "cadence_days": 60,
                "touchpoint_type_id": cls.type_postcard.id,
            }
        )
        cls.tier_c = Tier.create(
            {"name": "Test other", "code": "TC", "sequence": 3, "min_score": 0}
        )
        cls.salesman = new_test_user(
            cls.env,
            login="followup_salesman",
            name="Sally Seller",
            groups="sales_team.group_sale_salesman",
        )
        cls.salesman_2 = new_test_user(
            cls.env,
            login="followup_salesman_2",
            name="Ben Seller",
            groups="sales_team.group_sale_salesman",
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Pressure cooker", "type": "consu", "list_price": 100.0}
        )
        cls.planner = cls.env["customer.followup.planner"]

    @classmethod
    def _customer(cls, name, **vals):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "user_id": cls.salesman.id,
                "email": f"{name.lower().replace(' ', '.')}@example.com",
                **vals,
            }
        )

    @classmethod
    def _order(cls, partner, date, amount):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = fields.Datetime.to_datetime(date)
        return order

    def _run_cron(self, xmlid, now):
        with freeze_time(now), self.enter_registry_test_mode():
            result = self.env.ref(xmlid).method_direct_trigger()
        self.assertFalse(
            isinstance(result, dict) and result.get("type") == "ir.actions.client",
            f"cron {xmlid} failed: {result}",
        )
        self.env.invalidate_all()

    def _planned_activities(self, partners=None, active=True):
        domain = [("followup_planned", "=", True), ("res_model", "=", "res.partner")]
        if partners is not None:
            domain.append(("res_id", "in", partners.ids))
        model = self.env["mail.activity"].with_context(active_test=False)
        if active is not None:
            domain.append(("active", "=", active))
        return model.search(domain)

    @staticmethod
    def _dt(value):
        return datetime.fromisoformat(value)
