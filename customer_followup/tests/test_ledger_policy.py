from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL

from .common import FollowupTierCase

NOW = "2026-03-10 01:00:00"


@tagged("post_install", "-at_install")
class TestYearlyBudgetInThePlanner(FollowupTierCase):
    """A contact type's yearly budget holds for the planner as for the
    campaigns: customers who do not fit get the next allowed contact, with
    the reason."""

    def test_planner_keeps_the_yearly_budget(self):
        self.type_postcard.write({"capacity_per_user_month": 0, "yearly_budget": 3})
        customers = self.env["res.partner"]
        for n in range(6):
            customers |= self._customer(
                f"Postcard customer {n}",
                followup_tier_id=self.tier_b.id,
                next_followup_date="2026-03-10",
            )
        with freeze_time(NOW):
            self.planner._plan(dry_run=False)
        activities = self._planned_activities(customers)
        self.assertEqual(len(activities), 6)
        postcards = activities.filtered(
            lambda a: a.followup_touchpoint_type_id == self.type_postcard
        )
        self.assertEqual(len(postcards), 3)
        others = activities - postcards
        self.assertTrue(others)
        self.assertTrue(
            all(
                a.followup_touchpoint_type_id.weight <= self.type_postcard.weight
                for a in others
            )
        )
        self.assertIn("yearly budget", str(others.mapped("note")))
        # the ledger counts the three postcards against the year's budget
        used = self.env["customer.followup.ledger"]._budget_used(
            self.company, self.type_postcard, 2026
        )
        self.assertEqual(used[self.type_postcard.id], 3)
        # and the next run plans no fourth one
        more = self._customer(
            "Late postcard customer",
            followup_tier_id=self.tier_b.id,
            next_followup_date="2026-03-10",
        )
        with freeze_time(NOW):
            self.planner._plan(dry_run=False)
        self.assertNotEqual(
            self._planned_activities(more).followup_touchpoint_type_id,
            self.type_postcard,
        )


@tagged("post_install", "-at_install")
class TestCapacityOneCount(FollowupTierCase):
    """The planner, the workload preview and the overview count a
    salesperson's capacity used the same way: the ledger's."""

    def test_preview_overview_and_planner_agree(self):
        self.type_postcard.capacity_per_user_month = 10
        for n in range(2):
            customer = self._customer(f"Planned {n}", user_id=self.salesman.id)
            self.env["mail.activity"].sudo().create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": customer.id,
                    "activity_type_id": self.type_postcard.activity_type_id.id,
                    "user_id": self.salesman.id,
                    "date_deadline": "2026-03-05",
                    "followup_planned": True,
                    "followup_touchpoint_type_id": self.type_postcard.id,
                    "followup_plan_date": "2026-03-05",
                }
            )
        month = date(2026, 3, 1)
        key = (self.salesman.id, self.type_postcard.id, month)
        usage = {}
        self.planner._load_capacity_usage(usage, {key})
        self.assertEqual(usage[key], 2)
        with freeze_time(NOW):
            overview = self.env["customer.followup.overview"]
            used = overview._capacity_used_by_channel([], month, date(2026, 4, 1))
        self.assertEqual(used[(self.salesman, "postcard")], 2)


@tagged("post_install", "-at_install")
class TestBlockedRuleInSql(FollowupTierCase):
    """The scoring's SQL and the ORM agree on who refuses a channel: a
    blacklisted email address too."""

    def test_blacklisted_customer_in_sql_and_orm(self):
        partner = self._customer("Blacklisted Bistro")
        self.env["mail.blacklist"].sudo()._add(partner.email)
        other = self._customer("Reachable Bistro")
        condition = self.env["res.partner"]._followup_refuses_a_channel_sql("p")
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "SELECT p.id FROM res_partner p WHERE p.id IN %s AND %s",
                (partner.id, other.id),
                condition,
            )
        )
        self.assertEqual([row[0] for row in rows], [partner.id])
        self.assertTrue(partner._followup_blocked_reason("email"))
        self.assertFalse(other._followup_blocked_reason("email"))


@tagged("post_install", "-at_install")
class TestOneFallbackChain(FollowupTierCase):
    """The planner, the campaigns, the reminders and their escalation steps
    choose the same fallback for the same blocked customer: the contact
    policy's first allowed contact not heavier than the wanted one."""

    def test_same_fallback_everywhere(self):
        self._sell(self.customer, self.cooker)
        cycle = self._cycles()
        self.customer.followup_no_postal = True
        wanted = self.type_printed
        policy = self.env["customer.followup.policy"]
        expected = self.type_email
        # the policy
        chosen, reasons = policy._choose(
            self.customer, wanted, policy._reminder_candidates()
        )
        self.assertEqual((chosen, reasons), (expected, ["opted out of postal mail"]))
        # the planner
        planned, note = self.planner._resolve_touchpoint_type(
            self.customer, wanted, self.planner._types_by_channel()
        )
        self.assertEqual(planned, expected)
        self.assertIn("opted out of postal mail", note)
        # a campaign whose fallbacks are every contact
        campaign = self.env["customer.followup.campaign"].new(
            {"fallback_type_ids": self.env["customer.touchpoint.type"].search([]).ids}
        )
        chain = campaign._contact_chain(wanted)
        allowed = next(t for t in chain if not policy._blocked_reason(self.customer, t))
        self.assertEqual(allowed._origin, expected)
        # a reminder and an escalation step planned as a printed card
        reminder = self.env["customer.replacement.reminder"]
        self.assertEqual(
            reminder._fallback_contact(cycle, wanted, "print"),
            (expected, "mail", "opted out of postal mail"),
        )
