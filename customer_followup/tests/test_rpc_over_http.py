from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import STORY_NOW as NOW
from .common import call_kw


@tagged("post_install", "-at_install")
class TestRpcOverHttp(HttpCase):
    """The attack of issue 23 replayed over the real JSON-RPC API, as a
    salesperson limited to own documents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="cf_rpc_sales",
            password="cf_rpc_sales",
            groups="sales_team.group_sale_salesman",
        )
        other = new_test_user(
            cls.env, login="cf_rpc_other", groups="sales_team.group_sale_salesman"
        )
        with freeze_time(NOW):
            cls.hidden = cls.env["res.partner"].create(
                {
                    "name": "Hidden Customer",
                    "user_id": other.id,
                    "followup_mourning_date": "2026-11-10",
                    "followup_strategic": True,
                    "followup_score": 95.0,
                }
            )
            product = cls.env["product.product"].create({"name": "Filter"})
            cls.suggestion = cls.env["product.consumable.rule.suggestion"].create(
                {
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "part_product_id": product.id,
                    "company_id": cls.env.company.id,
                }
            )

    def _call_kw(self, model, method, args, kwargs=None):
        result, error = call_kw(self, model, method, args, kwargs)
        return result, error and error["name"]

    def test_attack_over_json_rpc(self):
        self.authenticate("cf_rpc_sales", "cf_rpc_sales")
        with freeze_time(NOW), mute_logger("odoo.http"):
            result, error = self._call_kw(
                "product.consumable.rule.suggestion", "action_find_suggestions", [[]]
            )
            self.assertEqual(error, "odoo.exceptions.AccessError")
            fields = ["followup_mourning_date", "followup_strategic", "followup_score"]
            result, error = self._call_kw(
                "res.partner", "read", [self.hidden.ids, fields]
            )
            self.assertFalse(error)
            self.assertFalse(any(result[0][fname] for fname in fields))
            result, error = self._call_kw(
                "res.partner",
                "search_read",
                [[("followup_score", ">", 90)], ["id"]],
            )
            self.assertNotIn(self.hidden.id, [row["id"] for row in result])
        self.assertTrue(self.suggestion.exists())
        self.assertEqual(self.hidden.followup_score, 95.0)
