from odoo.tests import tagged

from .common import FollowupCase


@tagged("post_install", "-at_install")
class TestOneContactRule(FollowupCase):
    """One rule says whether and why a customer cannot be contacted by a
    channel: res.partner._followup_blocked_reason. The follow-up planner and
    the replacement reminders both use it, and give the same reason."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._sell(cls.customer, cls.cooker)
        cls.planner = cls.env["customer.followup.planner"]
        cls.types = {
            name: cls.env.ref(f"customer_followup.touchpoint_type_{name}")
            for name in ("visit", "call", "letter", "printed_mail", "email")
        }

    def _planner_note(self, wanted):
        _touchpoint_type, note = self.planner._resolve_touchpoint_type(
            self.customer, wanted, self.planner._types_by_channel()
        )
        return note

    def _reminder(self):
        """Run the reminder cron; return the cycle and its chatter."""
        self._run_cron("2025-12-20 06:00:00")
        cycle = self._cycles()
        self.assertEqual(cycle.state, "reminded")
        return cycle, str(cycle.message_ids.mapped("body"))

    def test_allowed_customer_is_blocked_for_nothing(self):
        for channel in ("visit", "call", "letter", "postcard", "printed_mail", "email"):
            with self.subTest(channel=channel):
                self.assertFalse(self.customer._followup_blocked_reason(channel))
        self.assertFalse(self._planner_note(self.types["email"]))
        cycle, _chatter = self._reminder()
        self.assertEqual(
            (cycle.touchpoint_type_id, cycle.delivery), (self.types["email"], "mail")
        )

    def test_no_email_address(self):
        self.customer.email = False
        reason = self.customer._followup_blocked_reason("email")
        self.assertEqual(reason, "no email address")
        self.assertIn(reason, self._planner_note(self.types["email"]))
        cycle, chatter = self._reminder()
        self.assertIn(f": {reason}.", chatter)
        self.assertEqual(
            (cycle.touchpoint_type_id, cycle.delivery),
            (self.types["printed_mail"], "print"),
        )

    def test_email_blacklisted(self):
        self.env["mail.blacklist"].sudo()._add(self.customer.email)
        reason = self.customer._followup_blocked_reason("email")
        self.assertEqual(reason, "email blacklisted")
        self.assertIn(reason, self._planner_note(self.types["email"]))
        cycle, chatter = self._reminder()
        self.assertIn(f": {reason}.", chatter)
        self.assertEqual(cycle.delivery, "print")

    def test_no_postal_mail(self):
        self.customer.followup_no_postal = True
        self._set_delivery(self.gasket_rule, "print")
        for channel in ("letter", "postcard", "printed_mail"):
            with self.subTest(channel=channel):
                self.assertEqual(
                    self.customer._followup_blocked_reason(channel),
                    "opted out of postal mail",
                )
        self.assertIn(
            "(opted out of postal mail)", self._planner_note(self.types["letter"])
        )
        # the contact policy's chain: the next contact not heavier than the
        # printed card that the customer accepts, the email
        cycle, chatter = self._reminder()
        self.assertIn(": opted out of postal mail.", chatter)
        self.assertEqual(
            (cycle.touchpoint_type_id, cycle.delivery), (self.types["email"], "mail")
        )
        self.assertTrue(self._reminder_mails(cycle))

    def test_no_email_and_no_postal_mail(self):
        """The first reason is recorded, the reminder becomes a call."""
        self.customer.write({"email": False, "followup_no_postal": True})
        self.assertEqual(
            self._planner_note(self.types["printed_mail"]),
            "Not planned: no allowed contact (opted out of postal mail, no email "
            "address)",
        )
        self.assertIn("no email address", self._planner_note(self.types["email"]))
        cycle, chatter = self._reminder()
        self.assertIn(": no email address.", chatter)
        self.assertEqual(cycle.delivery, "activity")

    def test_no_visits_and_no_calls(self):
        """Visits and calls are the planner's contacts: the same rule blocks
        them; a reminder by activity or opportunity asks the salesperson to
        call, as before, whatever these opt-outs say."""
        self.customer.write({"followup_no_visit": True, "followup_no_call": True})
        self.assertEqual(
            self.customer._followup_blocked_reason("visit"), "opted out of visits"
        )
        self.assertEqual(
            self.customer._followup_blocked_reason("call"), "opted out of calls"
        )
        self.assertEqual(
            self._planner_note(self.types["visit"]),
            "Face-to-face visit not allowed (opted out of visits): Personal letter "
            "instead",
        )
        self.assertFalse(self.customer._followup_blocked_reason("email"))
        cycle, _chatter = self._reminder()
        self.assertEqual(cycle.delivery, "mail", "an email reaches them")
