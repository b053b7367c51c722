from datetime import timedelta

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import BrowserCase, load_japanese


class MyDayTourCase(BrowserCase, HttpCase):
    """The Japanese salesperson's day: a call to make, a customer late to
    reorder."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_japanese(cls.env)
        cls.salesman.write(
            {
                "lang": "ja_JP",
                "group_ids": [
                    Command.link(cls.env.ref("base.group_partner_manager").id)
                ],
            }
        )
        Partner = cls.env["res.partner"]
        cls.sushi = Partner.create(
            {
                "name": "Tour Sushi",
                "is_company": True,
                "user_id": cls.salesman.id,
                "phone": "+81 3-1111-2222",
            }
        )
        cls.cafe = Partner.create(
            {"name": "Tour Late Cafe", "is_company": True, "user_id": cls.salesman.id}
        )
        today = cls.company._followup_today()
        cls.call = cls.env["mail.activity"].create(
            {
                "res_model_id": cls.env["ir.model"]._get_id("res.partner"),
                "res_id": cls.sushi.id,
                "activity_type_id": cls.env.ref("mail.mail_activity_data_call").id,
                "date_deadline": today,
                "user_id": cls.salesman.id,
                "summary": "Ask about the new knives",
            }
        )
        cls.env["customer.reorder.interval"].sudo().create(
            {
                "partner_id": cls.cafe.id,
                "product_id": cls.kettle.id,
                "company_id": cls.company.id,
                "user_id": cls.salesman.id,
                "purchase_count": 4,
                "last_purchase_date": "2026-08-01",
                "median_interval_days": 60.0,
                "late_date": "2026-10-01",
                "reorder_state": "late",
            }
        )


@tagged("post_install", "-at_install")
class TestMyDayTour(MyDayTourCase):
    """My Day on a phone: the cards, the phone link, an unanswered call
    logged from a card."""

    browser_size = "390x844"
    touch_enabled = True

    def test_my_day_on_a_phone(self):
        self.start_tour(
            "/odoo/action-customer_followup.action_customer_followup_my_day",
            "customer_followup_my_day_phone",
            login="cf_salesman",
        )
        touchpoint = self.sushi.touchpoint_ids
        self.assertEqual(
            touchpoint.outcome_id,
            self.env.ref("customer_followup.call_outcome_no_answer"),
        )
        self.assertFalse(self.call.exists() and self.call.active)
        retry = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.sushi.id)]
        )
        self.assertEqual(
            retry.date_deadline, self.company._followup_today() + timedelta(days=2)
        )


@tagged("post_install", "-at_install")
class TestMyDayListTour(MyDayTourCase):
    """My Day as a list on a desktop: a click on a line opens its record."""

    def test_a_line_opens_its_record(self):
        self.start_tour(
            "/odoo/action-customer_followup.action_customer_followup_my_day"
            "?view_type=list",
            "customer_followup_my_day_list",
            login="cf_salesman",
        )
