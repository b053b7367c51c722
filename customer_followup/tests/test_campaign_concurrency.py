"""Two workers logging the same campaign pieces at once, on two real
database connections (see test_fault_concurrency)."""

# Committing is the point here: other connections only see committed data.
# pylint: disable=invalid-commit

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import TwoWorkersCase, campaign_emails


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


@tagged("post_install", "-at_install")
class TestAnniversaryTwoWorkers(TwoWorkersCase):
    def test_two_workers_plan_each_anniversary_once(self):
        setup = self._connection()
        today = fields.Date.today()
        product = setup["product.product"].create(
            {"name": "Anniversary Worker Kettle", "type": "consu", "taxes_id": False}
        )
        customers = setup["res.partner"].create(
            [
                {
                    "name": f"Anniversary Worker Customer {n}",
                    "is_company": True,
                    "email": f"anniversary{n}@example.com",
                }
                for n in range(3)
            ]
        )
        orders = setup["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "price_unit": 10})
                    ],
                }
                for customer in customers
            ]
        )
        orders.action_confirm()
        first_order = fields.Datetime.to_datetime(today) - relativedelta(
            years=2, days=-3
        )
        orders.write({"date_order": first_order})
        campaign = setup["customer.followup.campaign"].create(
            {
                "name": "Anniversary two workers",
                "timing": "anniversary",
                "anniversary_field": "followup_customer_since",
                "anniversary_days_before": 7,
                "send_date": today,
                "partner_domain": repr([("id", "in", customers.ids)]),
                "message": "<p>Thank you</p>",
                "line_ids": [
                    Command.create(
                        {
                            "touchpoint_type_id": setup.ref(
                                "customer_followup.touchpoint_type_email"
                            ).id
                        }
                    )
                ],
            }
        )
        campaign.write({"state": "planned"})
        setup.cr.commit()

        def drop_documents(env):
            env["customer.followup.campaign"].browse(campaign.id).action_cancel()
            env["customer.followup.campaign"].browse(campaign.id).unlink()
            env["sale.order"].browse(orders.ids)._action_cancel()
            env["sale.order"].browse(orders.ids).unlink()
            env["product.product"].browse(product.id).unlink()

        self._cleanup("res.partner", customers.ids, before=drop_documents)

        worker_a, worker_b = self._connection(), self._connection()
        worker_a["customer.followup.campaign"]._cron_run_campaigns()
        pieces_a = worker_a["customer.followup.campaign.piece"].search(
            [("campaign_id", "=", campaign.id)]
        )
        self.assertEqual(len(pieces_a), 3, "worker A plans the anniversaries")
        # worker B finds the campaign locked by worker A and leaves it
        worker_b["customer.followup.campaign"]._cron_run_campaigns()
        worker_b.cr.commit()
        worker_a.cr.commit()
        # once worker A is done, a second run plans nothing more
        worker_b["customer.followup.campaign"]._cron_run_campaigns()
        worker_b.cr.commit()

        check = self._connection()
        pieces = check["customer.followup.campaign.piece"].search(
            [("campaign_id", "=", campaign.id)]
        )
        self.assertEqual(sorted(pieces.partner_id.ids), sorted(customers.ids))
        self.assertEqual(
            set(pieces.mapped("send_date")),
            {first_order.date() + relativedelta(years=2)},
        )
        # one email each, all leaving at the same moment
        emails = campaign_emails(pieces)
        self.assertEqual(set(emails), set(pieces.ids))
        self.assertEqual(len({email.moment for email in emails.values()}), 1)
