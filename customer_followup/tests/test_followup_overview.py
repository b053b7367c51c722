from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import FollowupCase, FollowupTierCase

WORKLOAD = "Follow-up workload per salesperson and channel"


@tagged("post_install", "-at_install")
class TestFollowupOverview(FollowupCase):
    def _section(self, data, title):
        return next(s for s in data["sections"] if s["title"] == title)

    @freeze_time("2026-05-20 10:00:00")
    def test_done_figures_drill_down_to_their_records(self):
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
        data = self.env["customer.followup.overview"].get_overview()
        rows = self._section(data, WORKLOAD)["rows"]
        by_title = {row["title"]: row for row in rows}
        call_row = by_title["Sato Salesman · Phone call"]
        done = next(f for f in call_row["figures"] if f["label"] == "Done this month")
        self.assertEqual(done["value"], "1")
        action = done["action"]
        self.assertEqual(
            self.env[action["res_model"]].search(action["domain"]).date,
            datetime(2026, 5, 3, 9, 0),
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
        # no yearly target for the tier: no "/ 0"
        self.assertEqual(figures["Points per customer this year"]["value"], "10.0")
        manager = tier_a_figures(self.env.user)
        self.assertEqual(manager["Customers"]["value"], "2")
        self.assertEqual(manager["Points per customer this year"]["value"], "10.0")
        self.tier_a.yearly_points_target = 12
        manager = tier_a_figures(self.env.user)
        self.assertEqual(manager["Points per customer this year"]["value"], "10.0 / 12")


@tagged("post_install", "-at_install")
class TestFollowupOverviewPlannedWork(FollowupTierCase):
    """The overview's planned figures are the open planned follow-ups."""

    PERIODS = ("Overdue", "Today", "Rest of the month", "Later")

    def _planned(self, name, user, touchpoint_type, deadline, plan_date=None):
        partner = self._customer(name, user_id=user.id)
        return (
            self.env["mail.activity"]
            .sudo()
            .create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": partner.id,
                    "activity_type_id": touchpoint_type.activity_type_id.id,
                    "user_id": user.id,
                    "date_deadline": deadline,
                    "followup_planned": True,
                    "followup_touchpoint_type_id": touchpoint_type.id,
                    "followup_plan_date": plan_date or deadline,
                }
            )
        )

    def _rows(self, user=None):
        overview = self.env["customer.followup.overview"]
        if user:
            overview = overview.with_user(user)
        section = next(
            s for s in overview.get_overview()["sections"] if s["title"] == WORKLOAD
        )
        return {
            row["title"]: {f["label"]: f for f in row["figures"]}
            for row in section["rows"]
        }

    def _records(self, figure, user=None):
        action = figure["action"]
        model = self.env[action["res_model"]].with_context(**action.get("context", {}))
        if user:
            model = model.with_user(user)
        return model.search(action["domain"])

    @freeze_time("2026-05-20 10:00:00")
    def test_planned_figures_equal_the_open_planned_activities(self):
        # three open follow-ups planned in earlier months (one eight months
        # ago), none due this month: the salesperson still has them to do
        overdue = (
            self._planned("Old 1", self.salesman, self.type_postcard, "2025-09-22")
            | self._planned("Old 2", self.salesman, self.type_postcard, "2026-03-02")
            | self._planned(
                "Old 3",
                self.salesman,
                self.type_postcard,
                "2026-05-19",
                plan_date="2026-05-19",
            )
        )
        today = self._planned("Today", self.salesman, self.type_postcard, "2026-05-20")
        month = self._planned("Month", self.salesman, self.type_postcard, "2026-05-29")
        later = self._planned("Later", self.salesman, self.type_postcard, "2026-06-03")
        visit = self._planned("Visit", self.salesman_2, self.type_visit, "2026-05-21")
        done = self._planned("Done", self.salesman, self.type_postcard, "2026-05-04")
        done.with_user(self.salesman).action_feedback(feedback="Sent")
        # an activity nobody planned is not planned follow-up work
        self._customer("Manual").activity_schedule(
            "customer_followup.mail_activity_type_postcard",
            date_deadline=datetime(2026, 5, 25).date(),
            user_id=self.salesman.id,
        )

        rows = self._rows()
        postcards = rows["Sato Salesman · Postcard"]
        expected = {
            "Overdue": overdue,
            "Today": today,
            "Rest of the month": month,
            "Later": later,
        }
        for label, activities in expected.items():
            self.assertEqual(postcards[label]["value"], str(len(activities)), label)
            self.assertEqual(self._records(postcards[label]), activities, label)
        self.assertEqual(postcards["Overdue"].get("decoration"), "danger")
        open_planned = self._planned_activities().filtered(
            lambda a: (
                a.user_id == self.salesman
                and a.followup_touchpoint_type_id == self.type_postcard
            )
        )
        self.assertEqual(
            sum(int(postcards[label]["value"]) for label in self.PERIODS),
            len(open_planned),
        )
        self.assertEqual(
            open_planned, overdue | today | month | later, "the figures miss none"
        )
        # against the month's capacity (2 postcards): as the planner counts,
        # the follow-ups planned for May, open or done
        capacity = postcards["Capacity this month"]
        self.assertEqual(capacity["value"], "4 / 2")
        self.assertEqual(capacity["decoration"], "danger")
        self.assertEqual(self._records(capacity), overdue[2] | today | month | done)
        self.assertEqual(postcards["Done this month"]["value"], "1")
        visits = rows["Ben Seller · Visit"]
        self.assertEqual(
            [visits[label]["value"] for label in self.PERIODS], ["0", "0", "1", "0"]
        )
        self.assertEqual(visits["Capacity this month"]["value"], "1 / unlimited")
        self.assertEqual(self._records(visits["Rest of the month"]), visit)

    @freeze_time("2026-05-20 10:00:00")
    def test_salesperson_sees_their_own_planned_work(self):
        mine = self._planned("Mine", self.salesman, self.type_call, "2026-05-12")
        self._planned("Theirs", self.salesman_2, self.type_call, "2026-05-12")
        rows = self._rows(self.salesman)
        self.assertNotIn("Ben Seller · Phone call", rows)
        overdue = rows["Sato Salesman · Phone call"]["Overdue"]
        self.assertEqual(overdue["value"], "1")
        self.assertEqual(self._records(overdue, self.salesman), mine)
        for row in rows.values():
            for label in self.PERIODS:
                self.assertEqual(
                    len(self._records(row[label], self.salesman)),
                    int(row[label]["value"]),
                )
