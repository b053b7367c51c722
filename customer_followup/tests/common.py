from contextlib import contextmanager

from odoo.tests import TransactionCase, new_test_user


class FollowupCase(TransactionCase):
    """Customers, a salesperson and a manager, without demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.salesman = new_test_user(
            cls.env,
            login="cf_salesman",
            name="Sato Salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.manager = new_test_user(
            cls.env,
            login="cf_manager",
            name="Mori Manager",
            groups="sales_team.group_sale_manager",
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Kimura Kitchen Co.",
                "is_company": True,
                "user_id": cls.salesman.id,
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Kimura Hanako", "parent_id": cls.customer.id}
        )
        cls.type_visit = cls.env.ref("customer_followup.touchpoint_type_visit")
        cls.type_call = cls.env.ref("customer_followup.touchpoint_type_call")
        cls.type_postcard = cls.env.ref("customer_followup.touchpoint_type_postcard")

    @contextmanager
    def assertRaisesText(self, exception, text):
        """``assertRaisesRegex`` with Odoo's savepoint rollback: what the failed
        call wrote is undone, as in a real request."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertIn(text, str(catcher.exception))
