from datetime import datetime

from odoo.tests import tagged

from .common import FollowupCase


@tagged("post_install", "-at_install")
class TestPartnerMerge(FollowupCase):
    def test_merge_keeps_touchpoints_on_surviving_customer(self):
        duplicate = self.env["res.partner"].create(
            {"name": "Kimura Kitchen (duplicate)", "is_company": True}
        )
        Touchpoint = self.env["customer.touchpoint"]
        kept = Touchpoint.create(
            {
                "partner_id": self.company_customer.id,
                "type_id": self.type_call.id,
                "date": datetime(2025, 1, 10, 9, 0),
            }
        )
        moved = Touchpoint.create(
            {
                "partner_id": duplicate.id,
                "type_id": self.type_visit.id,
                "date": datetime(2025, 6, 1, 9, 0),
            }
        )
        self.env["base.partner.merge.automatic.wizard"]._merge(
            (self.company_customer | duplicate).ids, self.company_customer
        )
        self.assertFalse(duplicate.exists())
        self.assertEqual(self.company_customer.touchpoint_ids, kept | moved)
        self.assertEqual(
            self.company_customer.last_touchpoint_date, datetime(2025, 6, 1, 9, 0)
        )
        self.assertEqual(self.company_customer.touchpoint_count, 2)

    def test_archive_and_unarchive_keep_the_ledger(self):
        touchpoint = self.env["customer.touchpoint"].create(
            {"partner_id": self.company_customer.id, "type_id": self.type_call.id}
        )
        self.company_customer.action_archive()
        self.assertTrue(touchpoint.exists())
        self.company_customer.action_unarchive()
        self.assertEqual(self.company_customer.touchpoint_ids, touchpoint)
