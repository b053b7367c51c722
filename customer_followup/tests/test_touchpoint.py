from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import FollowupCase


@tagged("post_install", "-at_install")
class TestTouchpoint(FollowupCase):
    def _log(self, **vals):
        return self.env["customer.touchpoint"].create(
            {
                "partner_id": self.company_customer.id,
                "type_id": self.type_call.id,
                **vals,
            }
        )

    def test_shipped_types_follow_one_three_ten(self):
        self.assertEqual(self.type_visit.weight, 10)
        self.assertEqual(self.type_call.weight, 5)
        self.assertEqual(self.type_postcard.weight, 3)
        self.assertEqual(
            self.env.ref("customer_followup.touchpoint_type_printed_mail").weight, 1
        )

    def test_contact_person_moves_to_commercial_partner(self):
        touchpoint = self.env["customer.touchpoint"].create(
            {"partner_id": self.contact.id, "type_id": self.type_visit.id}
        )
        self.assertEqual(touchpoint.partner_id, self.company_customer)
        self.assertEqual(touchpoint.contact_id, self.contact)
        touchpoint2 = self.env["customer.touchpoint"].create(
            {"contact_id": self.contact.id, "type_id": self.type_visit.id}
        )
        self.assertEqual(touchpoint2.partner_id, self.company_customer)

    def test_weight_is_copied_not_rewritten(self):
        touchpoint = self._log()
        self.assertEqual(touchpoint.weight, 5)
        self.type_call.weight = 7
        self.assertEqual(touchpoint.weight, 5, "history must not change")
        self.assertEqual(self._log().weight, 7)

    def test_defaults(self):
        with freeze_time("2026-03-10 09:30:00"):
            touchpoint = (
                self.env["customer.touchpoint"]
                .with_user(self.salesman)
                .create(
                    {
                        "partner_id": self.company_customer.id,
                        "type_id": self.type_call.id,
                    }
                )
            )
            self.assertEqual(touchpoint.date, datetime(2026, 3, 10, 9, 30))
        self.assertEqual(touchpoint.user_id, self.salesman)
        self.assertEqual(touchpoint.origin, "manual")
        self.assertEqual(touchpoint.channel, "call")
        self.assertEqual(touchpoint.company_id, self.env.company)

    def test_last_touchpoint_date_follows_the_ledger(self):
        self.assertFalse(self.company_customer.last_touchpoint_date)
        older = self._log(date=datetime(2025, 5, 1, 10, 0))
        newer = self._log(date=datetime(2025, 9, 1, 10, 0))
        self.assertEqual(
            self.company_customer.last_touchpoint_date, datetime(2025, 9, 1, 10, 0)
        )
        newer.date = datetime(2025, 4, 1, 10, 0)
        self.assertEqual(
            self.company_customer.last_touchpoint_date, datetime(2025, 5, 1, 10, 0)
        )
        older.unlink()
        self.assertEqual(
            self.company_customer.last_touchpoint_date, datetime(2025, 4, 1, 10, 0)
        )
        newer.unlink()
        self.assertFalse(self.company_customer.last_touchpoint_date)

    def test_counts_and_points_of_last_twelve_months(self):
        with freeze_time("2026-06-15 12:00:00"):
            self._log(date=datetime(2026, 6, 1))
            self._log(date=datetime(2026, 1, 1), type_id=self.type_visit.id)
            self._log(date=datetime(2025, 1, 1), type_id=self.type_visit.id)
            self.company_customer.invalidate_recordset()
            self.assertEqual(self.company_customer.touchpoint_count, 3)
            self.assertEqual(self.company_customer.followup_points_12m, 15)
            self.assertEqual(self.contact.touchpoint_count, 3)

    def test_future_date_is_refused(self):
        with (
            freeze_time("2026-06-15 12:00:00"),
            self.assertRaisesText(ValidationError, "future"),
        ):
            self._log(date=datetime(2026, 6, 15, 12, 0) + timedelta(hours=1))
        self.assertFalse(
            self.env["customer.touchpoint"].search(
                [("partner_id", "=", self.company_customer.id)]
            )
        )

    def test_non_positive_weight_is_refused(self):
        for weight in (0, -3):
            with self.assertRaisesText(ValidationError, "between 0.1 and 100"):
                self._log(weight=weight)
        with self.assertRaisesText(ValidationError, "between 0.1 and 100"):
            self.type_call.weight = 0
        self.assertEqual(self.type_call.weight, 5)

    def test_customer_is_required(self):
        with self.assertRaisesText(ValidationError, "needs a customer"):
            self.env["customer.touchpoint"].create({"type_id": self.type_call.id})
        touchpoint = self._log()
        with self.assertRaisesText(ValidationError, "needs a customer"):
            touchpoint.partner_id = False
        self.assertEqual(touchpoint.partner_id, self.company_customer)

    def test_negative_capacity_is_refused(self):
        with self.assertRaisesText(ValidationError, "between 0 and 10,000"):
            self.type_postcard.capacity_per_user_month = -1

    def test_log_dialog_from_partner_and_order(self):
        action = self.contact.action_log_touchpoint()
        self.assertEqual(action["res_model"], "customer.touchpoint")
        self.assertEqual(action["target"], "new")
        self.assertEqual(
            action["context"]["default_partner_id"], self.company_customer.id
        )
        self.assertEqual(action["context"]["default_contact_id"], self.contact.id)
        order = self.env["sale.order"].create({"partner_id": self.contact.id})
        action = order.action_log_touchpoint()
        self.assertEqual(action["context"]["default_sale_order_id"], order.id)
        self._log(sale_order_id=order.id)
        self.assertEqual(order.touchpoint_count, 1)
        self.assertEqual(
            order.action_view_touchpoints()["domain"],
            [("sale_order_id", "=", order.id)],
        )
