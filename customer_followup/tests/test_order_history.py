from odoo.tools import SQL

from ..models.customer_followup_orders import attribution_end_sql, confirmed_orders_sql
from .common import FollowupTierCase


class TestOrderHistory(FollowupTierCase):
    """One rule for a customer's confirmed orders (the commercial partner's,
    on the shop's day) and one end of the window that credits an order to a
    contact, read by every report."""

    def test_confirmed_orders_of_the_customer_on_the_shops_day(self):
        """A contact person's order is the company's; a quotation is no
        order; 23:30 UTC is the next morning in Tokyo."""
        order = self._order(self.contact, "2026-11-15 23:30:00", 120.0)
        quotation = self._order(self.contact, "2026-11-15 10:00:00", 80.0)
        quotation._action_cancel()
        quotation.action_draft()
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "SELECT id, customer_id, day::text, amount_company"
                " FROM (%s) so WHERE so.buyer_id = %s",
                confirmed_orders_sql(),
                self.contact.id,
            )
        )
        self.assertEqual(
            rows, [(order.id, self.company_customer.id, "2026-11-16", 120.0)]
        )
        self.assertEqual(
            self.env["sale.order"].search(
                self.env["sale.order"]._followup_confirmed_domain(self.company_customer)
            ),
            order,
        )
        self.assertEqual(
            self.company_customer.followup_customer_since.isoformat(), "2026-11-16"
        )

    def test_attribution_window_ends_with_the_shops_day(self):
        """A contact at 10:00 in Tokyo on 16 November with a window of 2 days:
        an order at 23:30 in Tokyo on 18 November is credited, one at 00:30 on
        the 19th is not, in the effect report as in the campaigns' rule."""
        self.assertEqual(
            self.env.execute_query(
                SQL(
                    "SELECT (%s)::text",
                    attribution_end_sql(SQL("'2026-11-16'::date"), 2, "Asia/Tokyo"),
                )
            ),
            [("2026-11-18 15:00:00",)],
        )
        self.company.followup_attribution_days = 2
        customer = self._customer("Window Diner")
        self.env["customer.touchpoint"].create(
            {
                "partner_id": customer.id,
                "type_id": self.type_call.id,
                "date": "2026-11-16 01:00:00",
            }
        )
        self._order(customer, "2026-11-18 14:30:00", 70.0)
        self._order(customer, "2026-11-18 15:30:00", 500.0)
        report = self.env["customer.followup.effect.report"]
        report._refresh()
        rows = report.search_read(
            [("partner_id", "=", customer.id), ("contacted", "=", "contacted")],
            ["contact_count", "order_count", "revenue"],
        )
        self.assertEqual(
            [(r["contact_count"], r["order_count"], r["revenue"]) for r in rows],
            [(1, 1, 70.0)],
        )
