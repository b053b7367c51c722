from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import TransactionCase


class ConsumablesCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.salesman = cls.env["res.users"].create(
            {
                "name": "Cooker Salesman",
                "login": "cooker_salesman",
                "email": "salesman@example.com",
                "group_ids": [
                    Command.link(cls.env.ref("sales_team.group_sale_salesman").id)
                ],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Taro Yamada",
                "email": "taro@example.com",
                "zip": "150-0001",
                "city": "Shibuya-ku",
                "street": "1-2-3 Jingumae",
                "user_id": cls.salesman.id,
            }
        )
        product_vals = {"type": "consu", "sale_ok": True}
        cls.cooker = cls.env["product.product"].create(
            dict(
                product_vals,
                name="Pressure Cooker 6 L",
                default_code="PC-600",
                list_price=180.0,
            )
        )
        cls.gasket = cls.env["product.product"].create(
            dict(
                product_vals,
                name="Rubber Gasket PC-600",
                default_code="PC-600-GK",
                list_price=15.0,
                taxes_id=False,
            )
        )
        cls.valve = cls.env["product.product"].create(
            dict(
                product_vals,
                name="Safety Valve PC-600",
                default_code="PC-600-SV",
                list_price=22.0,
                taxes_id=False,
            )
        )
        cls.kettle = cls.env["product.product"].create(
            dict(product_vals, name="Kettle", list_price=30.0)
        )
        cls.gasket_rule = cls.env["product.consumable.rule"].create(
            {
                "product_tmpl_id": cls.cooker.product_tmpl_id.id,
                "part_product_id": cls.gasket.id,
                "interval_months": 24,
                "lead_days": 30,
                "window_months": 6,
                "touchpoint_type_id": cls.env.ref(
                    "customer_followup.touchpoint_type_email"
                ).id,
                "delivery": "mail",
            }
        )
        cls.cron = cls.env.ref("customer_followup.ir_cron_replacement_reminders")

    @classmethod
    def _sell(cls, partner, products, date="2024-01-15 10:00:00", confirm=True):
        with freeze_time(date):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 1})
                        for product in products
                    ],
                }
            )
            if confirm:
                order.action_confirm()
        return order

    @classmethod
    def _set_delivery(cls, rule, delivery):
        """Deliver the reminders of ``rule`` by ``delivery``, with the
        touchpoint type the rule form proposes for it."""
        types = {
            "mail": "touchpoint_type_email",
            "print": "touchpoint_type_printed_mail",
            "activity": "touchpoint_type_call",
            "opportunity": "touchpoint_type_call",
        }
        rule.write(
            {
                "delivery": delivery,
                "touchpoint_type_id": cls.env.ref(
                    f"customer_followup.{types[delivery]}"
                ).id,
            }
        )

    def _run_cron(self, date):
        with freeze_time(date), self.enter_registry_test_mode():
            result = self.cron.method_direct_trigger()
        self.assertIs(result, True, "the reminder cron failed")
        self.env.invalidate_all()

    def _cycles(self, partner=None, rule=None):
        domain = [("partner_id", "=", (partner or self.customer).id)]
        if rule:
            domain.append(("rule_id", "=", rule.id))
        return self.env["customer.replacement"].search(domain, order="cycle, id")

    def _reminder_mails(self, cycles):
        return self.env["mail.mail"].search(
            [("model", "=", "customer.replacement"), ("res_id", "in", cycles.ids)]
        )

    def _hagaki_html(self, cycles):
        return (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "customer_followup.action_report_replacement_hagaki", cycles.ids
            )[0]
            .decode()
        )
