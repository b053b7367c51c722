"""Two workers logging the same campaign pieces at once, on two real
database connections (see test_fault_concurrency)."""

# Committing is the point here: other connections only see committed data.
# pylint: disable=invalid-commit

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import TwoWorkersCase


@tagged("post_install", "-at_install")
class TestCampaignTwoWorkers(TwoWorkersCase):
    def test_two_workers_log_each_piece_once(self):
        setup = self._connection()
        email = setup.ref("customer_followup.touchpoint_type_email")
        customers = setup["res.partner"].create(
            [
                {
                    "name": f"Campaign Worker Customer {n}",
                    "is_company": True,
                    "email": f"worker{n}@example.com",
                }
                for n in range(3)
            ]
        )
        send_date = fields.Date.today() + timedelta(days=10)
        campaign = setup["customer.followup.campaign"].create(
            {"name": "Two workers", "send_date": send_date}
        )
        pieces = setup["customer.followup.campaign.piece"].create(
            [
                {
                    "campaign_id": campaign.id,
                    "partner_id": customer.id,
                    "touchpoint_type_id": email.id,
                    "kind": "email",
                    "plan_date": send_date,
                }
                for customer in customers
            ]
        )
        setup.cr.commit()

        def drop_documents(env):
            env["customer.touchpoint"].search(
                [("partner_id", "in", customers.ids)]
            ).unlink()
            env["customer.followup.campaign"].browse(campaign.id).unlink()

        self._cleanup("res.partner", customers.ids, before=drop_documents)

        worker_a, worker_b = self._connection(), self._connection()
        Piece_a = worker_a["customer.followup.campaign.piece"]
        Piece_b = worker_b["customer.followup.campaign.piece"]
        logged_a = Piece_a._log_done(Piece_a.browse(pieces.ids))
        self.assertEqual(len(logged_a), 3, "worker A logs the pieces")
        logged_b = Piece_b._log_done(Piece_b.browse(pieces.ids))
        self.assertFalse(logged_b, "worker B skips the pieces worker A holds")
        worker_b.cr.commit()
        worker_a.cr.commit()
        # once both are done, a third run logs nothing
        self.assertFalse(Piece_b._log_done(Piece_b.browse(pieces.ids)))
        worker_b.cr.commit()

        check = self._connection()
        touchpoints = check["customer.touchpoint"].search(
            [("campaign_id", "=", campaign.id)]
        )
        self.assertEqual(sorted(touchpoints.partner_id.ids), sorted(customers.ids))
        self.assertEqual(set(touchpoints.mapped("origin")), {"campaign"})
        self.assertEqual(
            set(
                check["customer.followup.campaign.piece"]
                .browse(pieces.ids)
                .mapped("state")
            ),
            {"done"},
        )
