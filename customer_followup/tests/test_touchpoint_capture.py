import base64
import io

from freezegun import freeze_time
from PIL import Image

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import FollowupCase

NOW = "2026-03-02 10:00:00"


def _signature_png():
    data = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(data, format="PNG")
    return base64.b64encode(data.getvalue()).decode()


class CaptureCase(FollowupCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact.email = "hanako@kimura-kitchen.example.com"
        cls.company_customer.email = "info@kimura-kitchen.example.com"
        cls.supplier = cls.env["res.partner"].create(
            {"name": "Osaka Parts Ltd.", "email": "parts@osaka.example.com"}
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="cf_taro_portal",
            groups="base.group_portal",
            partner_id=cls.customer.id,
            email="taro@example.com",
        )

    def _email(self, record, recipients, user=None, **kwargs):
        """Post as the chatter does: the user's email, in sudo."""
        return (
            record.with_user(user or self.salesman)
            .sudo()
            .message_post(
                body=kwargs.pop("body", "How is the new cooker?"),
                message_type="comment",
                subtype_xmlid=kwargs.pop("subtype_xmlid", "mail.mt_comment"),
                partner_ids=recipients.ids,
                **kwargs,
            )
        )

    def _touchpoints(self, customer=None):
        return self.env["customer.touchpoint"].search(
            [("partner_id", "=", (customer or self.customer).id)]
        )


@tagged("post_install", "-at_install")
class TestTouchpointCapture(CaptureCase):
    """The emails written to a customer and its replies log their touchpoint
    by themselves, once per message."""

    def test_chatter_email_logs_one_outbound_touchpoint(self):
        with freeze_time(NOW):
            message = self._email(self.customer, self.customer)
        touchpoint = self._touchpoints()
        self.assertEqual(len(touchpoint), 1)
        self.assertEqual(touchpoint.origin, "chatter")
        self.assertEqual(touchpoint.direction, "outbound")
        self.assertEqual(touchpoint.type_id, self.type_email)
        self.assertEqual(touchpoint.user_id, self.salesman)
        self.assertEqual(touchpoint.message_id, message)
        self.assertEqual(touchpoint.date, fields.Datetime.to_datetime(NOW))
        self.assertEqual(
            self.customer.last_touchpoint_date, fields.Datetime.to_datetime(NOW)
        )

    def test_email_on_contact_order_and_lead_logs_on_the_company(self):
        order = self.env["sale.order"].create({"partner_id": self.contact.id})
        lead = self.env["crm.lead"].create(
            {"name": "Bigger pots", "partner_id": self.company_customer.id}
        )
        with freeze_time(NOW):
            self._email(self.contact, self.contact)
            self._email(order, self.contact)
            self._email(lead, self.company_customer)
        touchpoints = self._touchpoints(self.company_customer)
        self.assertEqual(len(touchpoints), 3)
        self.assertEqual(set(touchpoints.mapped("origin")), {"chatter"})
        by_order = touchpoints.filtered("sale_order_id")
        self.assertEqual(by_order.sale_order_id, order)
        self.assertEqual(by_order.contact_id, self.contact)
        self.assertEqual(order.touchpoint_count, 1)
        by_lead = touchpoints.filtered("lead_id")
        self.assertEqual(by_lead.lead_id, lead)
        self.assertFalse(by_lead.contact_id)
        self.assertEqual(lead.touchpoint_count, 1)

    def test_note_and_message_to_another_partner_log_none(self):
        with freeze_time(NOW):
            self._email(
                self.customer, self.customer, subtype_xmlid="mail.mt_note", body="FYI"
            )
            self._email(self.customer, self.supplier)
            self._email(self.customer, self.env["res.partner"])
            self._email(self.customer, self.manager.partner_id)
        self.assertFalse(self._touchpoints())

    def test_email_from_a_template_by_its_salesperson_is_captured(self):
        order = self.env["sale.order"].create({"partner_id": self.customer.id})
        with freeze_time(NOW):
            order.with_user(self.manager).sudo().message_post(
                body="Your quotation",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.customer.ids,
                author_id=self.salesman.partner_id.id,
            )
        touchpoint = self._touchpoints()
        self.assertEqual(touchpoint.user_id, self.salesman, "the author's user")

    def test_email_by_an_employee_without_sales_rights(self):
        employee = new_test_user(
            self.env,
            login="cf_employee",
            groups="base.group_user,base.group_partner_manager",
        )
        with freeze_time(NOW):
            # as the full composer posts: in the user's own rights
            customer = self.customer.with_user(employee)
            message = customer.message_post(
                body="How is the new cooker?",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.customer.ids,
            )
            customer.env.flush_all()
        touchpoint = self._touchpoints()
        self.assertEqual(touchpoint.message_id, message)
        self.assertEqual(touchpoint.user_id, employee)

    def test_automatic_mails_log_none(self):
        """Mails Odoo sends by itself (as superuser), e.g. the order
        confirmation, are not a contact by a salesperson."""
        order = self.env["sale.order"].create({"partner_id": self.customer.id})
        with freeze_time(NOW):
            order.sudo().message_post(
                body="Your order is confirmed",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.customer.ids,
            )
            order.with_context(send_email=True).action_confirm()
        self.assertFalse(self._touchpoints())

    def _email_activity(self, record=None, created="2026-03-01 09:00:00"):
        activity = (record or self.customer).activity_schedule(
            "mail.mail_activity_data_email",
            user_id=self.salesman.id,
            summary="Ask about the cooker",
        )
        # create_date is the transaction's time (PostgreSQL's), not freezegun's
        self.env.cr.execute(
            "UPDATE mail_activity SET create_date = %s WHERE id = %s",
            (created, activity.id),
        )
        activity.invalidate_recordset(["create_date"])
        return activity

    def test_email_activity_and_its_email_log_one_touchpoint(self):
        """The follow-up activity "Email" that prompted the email: marking it
        done with feedback completes the email's touchpoint."""
        activity = self._email_activity()
        with freeze_time(NOW):
            message = self._email(self.customer, self.customer)
            activity.with_user(self.salesman).action_feedback(
                feedback="<p>Happy with it, wants a second gasket</p>"
            )
        touchpoint = self._touchpoints()
        self.assertEqual(len(touchpoint), 1)
        self.assertEqual(touchpoint.message_id, message)
        self.assertEqual(touchpoint.origin, "chatter")
        self.assertEqual(touchpoint.activity_id, activity)
        self.assertIn("second gasket", touchpoint.feedback)

    def test_email_from_the_order_completes_the_customer_activity(self):
        order = self.env["sale.order"].create({"partner_id": self.contact.id})
        activity = self._email_activity(self.company_customer)
        with freeze_time(NOW):
            self._email(order, self.contact)
            activity.with_user(self.salesman).action_done()
        touchpoint = self._touchpoints(self.company_customer)
        self.assertEqual(len(touchpoint), 1)
        self.assertEqual(touchpoint.activity_id, activity)
        self.assertEqual(touchpoint.sale_order_id, order)

    def test_email_before_the_activity_is_another_contact(self):
        with freeze_time("2026-02-20 10:00:00"):
            self._email(self.customer, self.customer)
        activity = self._email_activity()
        with freeze_time(NOW):
            activity.with_user(self.salesman).action_done()
        self.assertEqual(
            sorted(self._touchpoints().mapped("origin")), ["activity", "chatter"]
        )

    def test_done_activity_with_feedback_logs_one_touchpoint(self):
        """The message of a done activity is not an email: the activity logs
        its touchpoint, the message none."""
        activity = self.customer.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.salesman.id
        )
        with freeze_time(NOW):
            activity.with_user(self.salesman).action_feedback(feedback="Called")
        touchpoint = self._touchpoints()
        self.assertEqual(len(touchpoint), 1)
        self.assertEqual(touchpoint.origin, "activity")
        self.assertFalse(touchpoint.message_id)

    def test_two_emails_log_two_touchpoints_one_activity(self):
        activity = self._email_activity()
        with freeze_time(NOW):
            first = self._email(self.customer, self.customer)
            second = self._email(self.customer, self.customer, body="And the lid?")
            activity.with_user(self.salesman).action_done()
        touchpoints = self._touchpoints()
        self.assertEqual(len(touchpoints), 2)
        self.assertEqual(touchpoints.message_id, first | second)
        self.assertEqual(touchpoints.activity_id, activity)
        self.assertEqual(touchpoints.filtered("activity_id").message_id, second)

    def test_reply_by_email_logs_one_inbound_touchpoint(self):
        with freeze_time(NOW):
            sent = self._email(self.customer, self.customer, subject="Your cooker")
        with freeze_time("2026-03-03 08:30:00"):
            self._receive(sent, "<reply-1@example.com>")
            self._receive(sent, "<reply-2@example.com>", body="And one more thing")
        replies = self._touchpoints().filtered(lambda t: t.origin == "reply")
        self.assertEqual(len(replies), 1, "one reply a day per document")
        self.assertEqual(replies.direction, "inbound")
        self.assertEqual(replies.user_id, self.salesman, "the customer's salesperson")
        self.assertEqual(replies.type_id, self.type_email)
        self.assertEqual(replies.message_id.message_id, "<reply-1@example.com>")
        self.assertEqual(
            self.customer.last_touchpoint_date,
            fields.Datetime.to_datetime("2026-03-03 08:30:00"),
            "a reply is the last contact",
        )
        with freeze_time("2026-03-04 08:30:00"):
            self._receive(sent, "<reply-3@example.com>")
        self.assertEqual(len(self._touchpoints()), 3)

    def test_reply_keeps_the_cadence_only_where_the_settings_say_so(self):
        tier = self.env["customer.tier"].create(
            {
                "name": "Email customers",
                "code": "CFE",
                "min_score": 99.0,
                "cadence_days": 90,
                "touchpoint_type_id": self.type_email.id,
            }
        )
        self.customer.followup_tier_id = tier
        with freeze_time(NOW):
            sent = self._email(self.customer, self.customer, subject="Your cooker")
        self.assertEqual(
            self.customer.next_followup_date,
            fields.Date.to_date("2026-05-31"),
            "our email keeps the cadence",
        )
        with freeze_time("2026-03-20 08:30:00"):
            self._receive(sent, "<reply-cadence@example.com>")
        self.assertEqual(
            self.customer.last_touchpoint_date,
            fields.Datetime.to_datetime("2026-03-20 08:30:00"),
        )
        self.assertEqual(
            self.customer.next_followup_date,
            fields.Date.to_date("2026-05-31"),
            "the customer's reply does not, by default",
        )
        self.company.followup_inbound_counts = True
        self.assertEqual(
            self.customer.next_followup_date, fields.Date.to_date("2026-06-18")
        )

    def _receive(self, parent, message_id, body="Thanks, it works well."):
        raw = (
            "From: Taro Yamada <taro@example.com>\r\n"
            "To: salesman@example.com\r\n"
            f"Subject: Re: {parent.subject}\r\n"
            f"Message-ID: {message_id}\r\n"
            f"In-Reply-To: {parent.message_id}\r\n"
            f"References: {parent.message_id}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "\r\n"
            f"{body}\r\n"
        )
        self.env["mail.thread"].sudo().message_process(False, raw)

    def test_portal_messages_of_the_customer_are_capped(self):
        """A customer writing in the portal chatter of its quotation logs one
        reply a day, whatever it posts."""
        order = self.env["sale.order"].create({"partner_id": self.customer.id})
        with freeze_time(NOW):
            for attempt in range(5):
                order.with_user(self.portal_user).sudo().message_post(
                    body=f"Question {attempt}",
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                )
        touchpoint = self._touchpoints()
        self.assertEqual(len(touchpoint), 1)
        self.assertEqual(touchpoint.origin, "reply")
        self.assertEqual(touchpoint.sale_order_id, order)
        self.assertEqual(touchpoint.user_id, self.salesman)

    def test_settings_switch_each_capture_off(self):
        self.company.write(
            {"followup_capture_chatter": False, "followup_capture_replies": False}
        )
        with freeze_time(NOW):
            sent = self._email(self.customer, self.customer, subject="Your cooker")
            self._receive(sent, "<reply-off@example.com>")
        self.assertFalse(self._touchpoints())
        self.company.followup_capture_replies = True
        with freeze_time("2026-03-03 08:30:00"):
            self._receive(sent, "<reply-on@example.com>")
        self.assertEqual(self._touchpoints().origin, "reply")

    def test_settings_are_shown_on_by_default(self):
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.followup_capture_chatter)
        self.assertTrue(settings.followup_capture_replies)
        self.assertTrue(settings.followup_capture_portal)


@tagged("post_install", "-at_install")
class TestPortalSignatureCapture(CaptureCase, HttpCase):
    """A quotation signed in the portal is the customer's contact: one
    inbound touchpoint, and neither a reply nor an email of ours."""

    def _sign(self, order):
        order._portal_ensure_token()
        with freeze_time(NOW):
            result = self.make_jsonrpc_request(
                f"/my/orders/{order.id}/accept",
                {
                    "access_token": order.access_token,
                    "name": "Taro Yamada",
                    "signature": _signature_png(),
                },
            )
        self.env.invalidate_all()
        return result

    def _quotation(self):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "require_signature": True,
                "require_payment": False,
                "order_line": [
                    (0, 0, {"product_id": self.kettle.id, "product_uom_qty": 1})
                ],
            }
        )

    def test_email_sent_through_the_chatter_route(self):
        self.authenticate("cf_salesman", "cf_salesman")
        post_data = {
            "body": "<p>How is the new cooker?</p>",
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_comment",
        }
        with freeze_time(NOW):
            sent = self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "res.partner",
                    "thread_id": self.customer.id,
                    "post_data": dict(post_data, partner_ids=self.customer.ids),
                },
            )
            self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "res.partner",
                    "thread_id": self.customer.id,
                    "post_data": dict(post_data, subtype_xmlid="mail.mt_note"),
                },
            )
        touchpoint = self._touchpoints()
        self.assertEqual(len(touchpoint), 1, "the note logs none")
        self.assertEqual(touchpoint.message_id.id, sent["message_id"])
        self.assertEqual(touchpoint.user_id, self.salesman)

    def test_portal_signature_logs_one_inbound_touchpoint(self):
        order = self._quotation()
        result = self._sign(order)
        self.assertTrue(result.get("force_refresh"), result)
        self.assertEqual(order.state, "sale")
        touchpoint = self._touchpoints()
        self.assertEqual(len(touchpoint), 1, touchpoint.mapped("origin"))
        self.assertEqual(touchpoint.origin, "portal")
        self.assertEqual(touchpoint.direction, "inbound")
        self.assertEqual(touchpoint.sale_order_id, order)
        self.assertEqual(touchpoint.user_id, self.salesman)
        self.assertIn("Taro Yamada", touchpoint.summary)
        self.assertEqual(touchpoint.message_id.model, "sale.order")
        self.assertEqual(touchpoint.date, fields.Datetime.to_datetime(NOW))

    def test_portal_signature_capture_off(self):
        self.company.followup_capture_portal = False
        order = self._quotation()
        self._sign(order)
        self.assertEqual(order.state, "sale")
        self.assertFalse(self._touchpoints())
