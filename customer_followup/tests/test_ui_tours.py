from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestFollowupTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="cf_tour_salesman",
            name="Sato Salesman",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tour Kitchen Co.", "is_company": True, "user_id": cls.salesman.id}
        )

    def test_salesperson_logs_a_call_from_the_customer(self):
        self.start_tour(
            f"/odoo/res.partner/{self.customer.id}",
            "customer_followup_log_touchpoint",
            login="cf_tour_salesman",
        )
        touchpoint = self.customer.touchpoint_ids
        self.assertEqual(len(touchpoint), 1)
        self.assertEqual(touchpoint.type_id.channel, "call")
        self.assertEqual(touchpoint.user_id, self.salesman)
