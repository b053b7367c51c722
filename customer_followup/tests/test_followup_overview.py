from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import FollowupCase, FollowupTierCase


@tagged("post_install", "-at_install")
class TestFollowupOverview(FollowupCase):
    def _section(self, data, title):
        return next(s for s in data["sections"] if s["title"] == title)

    @freeze_time("2026-05-20 10:00:00")
    def test_workload_figures_drill_down_to_their_records(self):
        Touchpoint = self.env["customer.touchpoint"]
        Touchpoint.create(
            [
                {
                    "partner_id": self.customer.id,
                    "type_id": self.type_call.id,
                    "user_id": self.salesman.id,
                    "date": datetime(2026, 5, 3, 9, 0),
                },
                {
                    "partner_id": self.customer.id,
                    "type_id": self.type_call.id,
                    "user_id": self.salesman.id,
                    "date": datetime(2026, 4, 28, 9, 0),
                },
            ]
        )
        self.customer.activity_schedule(
            "customer_followup.mail_activity_type_postcard",
            date_deadline=datetime(2026, 5, 25).date(),
            user_id=self.salesman.id,
        )
        data = self.env["customer.followup.overview"].get_overview()
        rows = self._section(data, "This month per salesperson and channel")["rows"]
        by_title = {row["title"]: row for row in rows}
        call_row = by_title["Sato Salesman · Phone call"]
        done = next(f for f in call_row["figures"] if f["label"] == "Done")
        self.assertEqual(done["value"], "1")
        action = done["action"]
        self.assertEqual(
            self.env[action["res_model"]].search(action["domain"]).date,
            datetime(2026, 5, 3, 9, 0),
        )
        postcard_row = by_title["Sato Salesman · Postcard"]
        planned = next(f for f in postcard_row["figures"] if f["label"] == "Planned")
        self.assertEqual(planned["value"], "1")
        capacity = next(f for f in postcard_row["figures"] if f["label"] == "Capacity")
        self.assertEqual(capacity["value"], "80")
        action = planned["action"]
        self.assertEqual(
            self.env[action["res_model"]].search(action["domain"]).res_id,
            self.customer.id,
        )


@tagged("post_install", "-at_install")
class TestFollowupOverviewTiers(FollowupTierCase):
    @freeze_time("2026-05-20 10:00:00")
    def test_salesperson_sees_the_figures_of_their_own_customers(self):
        mine = self._customer("Mine", followup_tier_id=self.tier_a.id)
        theirs = self._customer(
            "Theirs", followup_tier_id=self.tier_a.id, user_id=self.salesman_2.id
        )
        self.env["customer.touchpoint"].create(
            [
                {
                    "partner_id": partner.id,
                    "type_id": self.type_visit.id,
                    "date": datetime(2026, 5, 3, 9, 0),
                }
                for partner in (mine, theirs)
            ]
        )

        def tier_a_figures(user):
            overview = self.env["customer.followup.overview"].with_user(user)
            tiers = next(
                s for s in overview.get_overview()["sections"] if s["title"] == "Tiers"
            )
            row = next(r for r in tiers["rows"] if r["title"].startswith("TA"))
            return {f["label"]: f for f in row["figures"]}

        figures = tier_a_figures(self.salesman)
        customers = figures["Customers"]
        self.assertEqual(customers["value"], "1")
        self.assertEqual(
            self.env["res.partner"]
            .with_user(self.salesman)
            .search(customers["action"]["domain"]),
            mine,
        )
        self.assertTrue(
            figures["Points per customer this year"]["value"].startswith("10.0 / ")
        )
        manager = tier_a_figures(self.env.user)
        self.assertEqual(manager["Customers"]["value"], "2")
        self.assertTrue(
            manager["Points per customer this year"]["value"].startswith("10.0 / ")
        )
