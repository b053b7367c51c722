from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.tests import new_test_user, tagged

from ..models.res_partner_privacy import PRIVATE_FIELDS
from .common import FollowupCase

NOW = "2026-11-16 01:00:00"
SHOWN = [
    "followup_mourning_date",
    "followup_customer_since",
    "followup_score",
    "followup_strategic",
    "next_followup_date",
    "followup_control_until",
    "followup_plan_note",
]


@tagged("post_install", "-at_install")
class TestPartnerPrivacy(FollowupCase):
    """The finding: a salesperson limited to own documents read, for any
    customer, the mourning notice, the anniversary date, the score, the
    strategic flag and the next follow-up, searched and grouped on them. Now
    only the customer's salesperson, the leaders of that salesperson's team
    and the managers see them; others read them empty, find and group only
    their own customers by them, and export them empty."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(NOW):
            cls._build_fixture()

    @classmethod
    def _build_fixture(cls):
        env = cls.env
        cls.salesman.group_ids = [Command.link(env.ref("base.group_allow_export").id)]
        cls.other = new_test_user(
            env, login="cf_priv_other", groups="sales_team.group_sale_salesman"
        )
        cls.leader = new_test_user(
            env, login="cf_priv_leader", groups="sales_team.group_sale_salesman"
        )
        cls.all_docs = new_test_user(
            env,
            login="cf_priv_all",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        env["crm.team"].create(
            {
                "name": "Kansai",
                "user_id": cls.leader.id,
                "crm_team_member_ids": [Command.create({"user_id": cls.other.id})],
            }
        )
        tier = env.ref("customer_followup.customer_tier_a")
        vals = {
            "followup_mourning_date": "2026-11-10",
            "followup_strategic": True,
            "followup_tier_id": tier.id,
            "followup_score": 95.0,
        }
        cls.mine = cls.customer
        cls.mine.write(vals)
        cls.theirs = env["res.partner"].create(
            dict(vals, name="Hidden Customer", user_id=cls.other.id)
        )
        system = {
            "followup_plan_note": "Call instead of visit",
            "followup_control_until": "2027-01-31",
        }
        (cls.mine | cls.theirs).sudo().write(system)
        cls._sell(cls.theirs, cls.kettle, date="2025-05-01 10:00:00")
        cls._sell(cls.mine, cls.kettle, date="2025-05-01 10:00:00")
        env.flush_all()

    def _read(self, user, partner):
        return partner.with_user(user).read(SHOWN)[0]

    def test_read_as_empty_for_others(self):
        with freeze_time(NOW):
            for user in (self.salesman, self.all_docs):
                with self.subTest(user=user.login):
                    values = self._read(user, self.theirs)
                    for fname in SHOWN:
                        self.assertFalse(values[fname], fname)
                    # the tier stays visible
                    self.assertTrue(
                        self.theirs.with_user(user).read(["followup_tier_id"])[0][
                            "followup_tier_id"
                        ]
                    )
            for user in (self.other, self.leader, self.manager):
                with self.subTest(user=user.login):
                    values = self._read(user, self.theirs)
                    self.assertEqual(values["followup_score"], 95.0)
                    self.assertEqual(
                        str(values["followup_mourning_date"]), "2026-11-10"
                    )
                    self.assertTrue(values["followup_strategic"])
                    self.assertTrue(values["next_followup_date"])
                    self.assertTrue(values["followup_customer_since"])
            # own customers: all there
            values = self._read(self.salesman, self.mine)
            self.assertEqual(values["followup_score"], 95.0)
            # what a limited user read does not hide the values from the code
            self.assertEqual(self.theirs.sudo().followup_score, 95.0)
            self.assertTrue(self.theirs.followup_strategic)

    def test_search_matches_own_customers_only(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        domains = [
            [("followup_score", ">", 90)],
            [("followup_strategic", "=", True)],
            [("followup_mourning_date", "!=", False)],
            [("next_followup_date", "<=", "2026-12-31")],
            [("followup_control_until", "!=", False)],
            [("followup_plan_note", "ilike", "call")],
            [("followup_score_id.score", ">", 90)],
        ]
        with freeze_time(NOW):
            for domain in domains:
                with self.subTest(domain=domain):
                    rows = Partner.search_read(domain, ["id"])
                    ids = {row["id"] for row in rows}
                    self.assertIn(self.mine.id, ids)
                    self.assertNotIn(self.theirs.id, ids)
            # the leader of the other salesperson's team finds them
            ids = (
                self.env["res.partner"]
                .with_user(self.leader)
                .search([("followup_score", ">", 90)])
                .ids
            )
            self.assertIn(self.theirs.id, ids)
            # sorting by the score does not rank the hidden customers either
            ordered = Partner.search(
                [("id", "in", (self.mine | self.theirs).ids)],
                order="followup_score desc nulls last",
            )
            self.assertEqual(ordered[0], self.mine)

    def test_group_and_aggregate_only_own_customers(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        domain = [("id", "in", (self.mine | self.theirs).ids)]
        with freeze_time(NOW):
            groups = Partner.formatted_read_group(
                domain, ["user_id", "followup_tier_id"], ["followup_score:avg"]
            )
            by_user = {group["user_id"][0]: group for group in groups}
            self.assertEqual(by_user[self.salesman.id]["followup_score:avg"], 95.0)
            self.assertFalse(by_user[self.other.id]["followup_score:avg"])
            for fname in ("followup_strategic", "followup_mourning_date:day"):
                with self.subTest(groupby=fname):
                    groups = Partner.formatted_read_group(domain, [fname], ["__count"])
                    counts = {bool(group[fname]): group["__count"] for group in groups}
                    self.assertEqual(counts, {True: 1, False: 1})
            groups = Partner._read_group(domain, ["user_id"], ["followup_score:max"])
            self.assertFalse(dict(groups)[self.other])

    def test_export_empty_for_others(self):
        fields = ["name", "followup_score", "followup_mourning_date"]
        fields += ["followup_strategic", "next_followup_date", "followup_plan_note"]
        with freeze_time(NOW):
            partners = (self.mine | self.theirs).with_user(self.salesman)
            rows = partners.export_data(fields)["datas"]
            by_name = {row[0]: row for row in rows}
            self.assertEqual(by_name["Hidden Customer"][1:], [""] * 5)
            self.assertEqual(by_name["Taro Yamada"][1], 95.0)
            # through another model's path as well
            orders = self.env["sale.order"].search(
                [("partner_id", "=", self.theirs.id)]
            )
            orders.user_id = self.salesman
            rows = orders.with_user(self.salesman).export_data(
                ["name", "partner_id/followup_score", "partner_id/followup_strategic"]
            )["datas"]
            self.assertEqual(rows[0][1:], ["", ""])
            # and not offered in the export dialog
            described = partners.fields_get(SHOWN, ["exportable"])
            self.assertFalse(any(d["exportable"] for d in described.values()))
            described = partners.with_user(self.manager).fields_get(
                SHOWN, ["exportable"]
            )
            self.assertTrue(all(d["exportable"] for d in described.values()))

    def test_screens_load_for_limited_salesperson(self):
        """The customer list and form, and the follow-up list, as a limited
        salesperson, on another salesperson's customer."""
        Partner = self.env["res.partner"].with_user(self.salesman)
        action = self.env.ref("customer_followup.action_followup_customers")
        with freeze_time(NOW):
            for view_type in ("list", "form", "kanban"):
                for view in (False, action.view_id.id):
                    views = Partner.get_views([(view, view_type)])["views"]
                    arch = etree.fromstring(views[view_type]["arch"])
                    spec = {
                        node.get("name"): {}
                        for node in arch.iter("field")
                        if not any(a.tag == "field" for a in node.iterancestors())
                    }
                    with self.subTest(view=view, view_type=view_type):
                        result = Partner.web_search_read(
                            [("id", "in", (self.mine | self.theirs).ids)], spec
                        )
                        self.assertEqual(result["length"], 2)
                        values = Partner.browse(self.theirs.id).web_read(spec)[0]
                        for fname in set(spec) & set(PRIVATE_FIELDS):
                            self.assertFalse(values[fname], fname)

    def test_screens_say_the_data_is_hidden_instead_of_zeros(self):
        """The follow-up tab and the list do not show a colleague's customer
        a score of 0 and no next date: they say whose data it is."""
        with freeze_time(NOW):
            for user, partner, hidden in (
                (self.salesman, self.theirs, True),
                (self.salesman, self.mine, False),
                (self.all_docs, self.theirs, True),
                (self.other, self.theirs, False),
                (self.leader, self.theirs, False),
                (self.manager, self.theirs, False),
            ):
                with self.subTest(user=user.login, partner=partner.name):
                    self.assertEqual(
                        partner.with_user(user).followup_private_hidden, hidden
                    )
            arch = (
                self.env["res.partner"]
                .with_user(self.salesman)
                .get_views([(False, "form")])["views"]["form"]["arch"]
            )
            self.assertIn("see its score, dates and plan", arch)
            self.assertIn('invisible="followup_private_hidden"', arch)
