from odoo.tests import tagged

from .common import FollowupCase


@tagged("post_install", "-at_install")
class TestActivityTouchpoint(FollowupCase):
    def _schedule(self, record, xmlid="mail.mail_activity_data_call", **kwargs):
        return record.activity_schedule(
            xmlid,
            user_id=self.salesman.id,
            summary="Ask how the cooker works",
            **kwargs,
        )

    def test_done_on_partner_logs_one_touchpoint(self):
        activity = self._schedule(self.company_customer)
        activity.with_user(self.salesman).action_feedback(
            feedback="<p>Uses it daily, wants a bigger lid</p>"
        )
        touchpoint = self.company_customer.touchpoint_ids
        self.assertEqual(len(touchpoint), 1)
        self.assertEqual(touchpoint.type_id, self.type_call)
        self.assertEqual(touchpoint.origin, "activity")
        self.assertEqual(touchpoint.user_id, self.salesman)
        self.assertEqual(touchpoint.summary, "Ask how the cooker works")
        self.assertIn("bigger lid", touchpoint.feedback)
        self.assertEqual(touchpoint.activity_id, activity)
        self.assertFalse(activity.active, "done activities are archived in 19.0")

    def test_done_on_contact_logs_on_commercial_partner(self):
        self._schedule(self.contact).action_feedback()
        self.assertEqual(len(self.company_customer.touchpoint_ids), 1)
        self.assertEqual(self.company_customer.touchpoint_ids.contact_id, self.contact)

    def test_done_on_sale_order_links_the_order(self):
        order = self.env["sale.order"].create({"partner_id": self.contact.id})
        self._schedule(
            order, "customer_followup.mail_activity_type_visit"
        ).action_feedback(feedback="Visited")
        touchpoint = self.company_customer.touchpoint_ids
        self.assertEqual(touchpoint.type_id, self.type_visit)
        self.assertEqual(touchpoint.sale_order_id, order)
        self.assertEqual(touchpoint.contact_id, self.contact)
        self.assertEqual(order.touchpoint_count, 1)

    def test_done_on_lead_links_the_lead(self):
        lead = self.env["crm.lead"].create(
            {"name": "New pressure cookers", "partner_id": self.company_customer.id}
        )
        self._schedule(lead).action_done()
        touchpoint = self.company_customer.touchpoint_ids
        self.assertEqual(touchpoint.lead_id, lead)
        self.assertEqual(lead.touchpoint_count, 1)

    def test_unmapped_activity_type_logs_nothing(self):
        self._schedule(
            self.company_customer, "mail.mail_activity_data_todo"
        ).action_feedback()
        self.assertFalse(self.company_customer.touchpoint_ids)

    def test_lead_without_customer_logs_nothing(self):
        lead = self.env["crm.lead"].create({"name": "Anonymous lead"})
        self._schedule(lead).action_feedback()
        self.assertFalse(
            self.env["customer.touchpoint"].search([("lead_id", "=", lead.id)])
        )

    def test_several_activities_done_at_once(self):
        other = self.env["res.partner"].create(
            {"name": "Ono Bakery", "is_company": True}
        )
        activities = self._schedule(self.company_customer) | self._schedule(other)
        activities.action_feedback(feedback="Seasonal greetings")
        self.assertEqual(len(self.company_customer.touchpoint_ids), 1)
        self.assertEqual(len(other.touchpoint_ids), 1)

    def test_done_by_user_without_access_to_the_record(self):
        """An activity assigned to a salesperson is done by them even if the
        customer belongs to someone else: the touchpoint is still logged."""
        self.company_customer.user_id = self.manager
        activity = self._schedule(self.company_customer)
        activity.with_user(self.salesman).action_feedback(feedback="Called")
        self.assertEqual(len(self.company_customer.touchpoint_ids), 1)
