from datetime import datetime

from freezegun import freeze_time

from .common import FollowupCase


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
