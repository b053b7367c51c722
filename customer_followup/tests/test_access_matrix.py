from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged

from .common import FollowupCase

# Who sees which customers' records: "mine" (the salesperson's customer),
# "theirs" (another salesperson's), "nobody's" (no salesperson).
VISIBLE = {
    "salesperson_own": {"mine", "nobodys"},
    "salesperson_all": {"mine", "theirs", "nobodys"},
    "followup_user_only": {"nobodys"},
    "manager": {"mine", "theirs", "nobodys"},
    "portal": set(),
    "other_company": set(),
}


@tagged("post_install", "-at_install")
class TestAccessMatrix(FollowupCase):
    """One rule set for every model and report of the addon, for each kind of
    user: salesperson limited to own documents, salesperson seeing all
    documents, a user given only the Follow-up user group, a manager, a portal
    user and a user of another company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            "salesperson_own": cls.salesman,
            "salesperson_all": new_test_user(
                cls.env,
                login="cf_matrix_all",
                groups="sales_team.group_sale_salesman_all_leads",
            ),
            "followup_user_only": new_test_user(
                cls.env,
                login="cf_matrix_followup",
                groups="base.group_user,customer_followup.group_followup_user",
            ),
            "manager": cls.manager,
            "portal": new_test_user(
                cls.env, login="cf_matrix_portal", groups="base.group_portal"
            ),
        }
        branch = cls.env["res.company"].create({"name": "Osaka Branch"})
        cls.users["other_company"] = new_test_user(
            cls.env,
            login="cf_matrix_branch",
            groups="sales_team.group_sale_manager",
            company_id=branch.id,
            company_ids=[Command.set(branch.ids)],
        )
        cls.other_salesman = new_test_user(
            cls.env, login="cf_matrix_other", groups="sales_team.group_sale_salesman"
        )
        cls.partners = {
            "mine": cls.customer,
            "theirs": cls.env["res.partner"].create(
                {"name": "Other's Customer", "user_id": cls.other_salesman.id}
            ),
            "nobodys": cls.env["res.partner"].create({"name": "Walk-in Customer"}),
        }
        call = cls.env.ref("customer_followup.touchpoint_type_call")
        cls.records = {}
        for key, partner in cls.partners.items():
            order = cls._sell(partner, cls.cooker)
            registration = order.registration_ids
            cycle = registration.replacement_ids
            cycle.sudo().write({"state": "reminded", "reminded_date": "2025-12-20"})
            cls.env.flush_all()
            touchpoint = cls.env["customer.touchpoint"].create(
                {
                    "partner_id": partner.id,
                    "type_id": call.id,
                    "user_id": partner.user_id.id,
                }
            )
            cls.records[key] = {
                "customer.touchpoint": touchpoint,
                "customer.product.registration": registration,
                "customer.replacement": cycle,
                "customer.replacement.report": cls.env[
                    "customer.replacement.report"
                ].search([("partner_id", "=", partner.id)]),
                "customer.followup.control": cls.env["customer.followup.control"]
                .sudo()
                .create(
                    {
                        "partner_id": partner.id,
                        "company_id": cls.env.company.id,
                        "date": "2025-12-01",
                        "date_to": "2026-02-28",
                        "period_start": "2025-11-26",
                    }
                ),
            }
        cls.env.flush_all()
        cls.env["customer.followup.effect.report"]._refresh()
        for recs in cls.records.values():
            recs["customer.followup.effect.report"] = cls.env[
                "customer.followup.effect.report"
            ].search([("id", "=", recs["customer.touchpoint"].id)])

    def _records(self, model):
        return self.env[model].union(*(recs[model] for recs in self.records.values()))

    def _visible_keys(self, user, model):
        Model = self.env[model].with_user(user)
        if not Model.has_access("read"):
            return set()
        found = Model.search_read([("id", "in", self._records(model).ids)], ["id"])
        ids = {row["id"] for row in found}
        return {key for key, recs in self.records.items() if recs[model].id in ids}

    def test_read_and_search_read(self):
        for model in self.records["mine"]:
            for kind, user in self.users.items():
                with self.subTest(model=model, user=kind):
                    self.assertEqual(self._visible_keys(user, model), VISIBLE[kind])

    def test_read_of_a_hidden_record_is_refused(self):
        for model in self.records["mine"]:
            for kind in ("salesperson_own", "followup_user_only"):
                with (
                    self.subTest(model=model, user=kind),
                    self.assertRaises(AccessError),
                ):
                    self.records["theirs"][model].with_user(self.users[kind]).read(
                        ["partner_id"]
                    )

    def test_write_follows_the_same_rules(self):
        writable = {
            "customer.touchpoint": {"summary": "Edited"},
            "customer.product.registration": {"note": "Edited"},
            "customer.replacement": {"printed": True},
        }
        for model, vals in writable.items():
            for kind, user in self.users.items():
                for key, recs in self.records.items():
                    with self.subTest(model=model, user=kind, customer=key):
                        record = recs[model].with_user(user)
                        if key in VISIBLE[kind]:
                            record.write(vals)
                        else:
                            with self.assertRaises(AccessError):
                                record.write(vals)

    def test_report_is_read_only_for_everybody(self):
        for model in (
            "customer.replacement.report",
            "customer.followup.effect.report",
            "customer.followup.control",
        ):
            report = self.records["mine"][model]
            for kind, user in self.users.items():
                with self.subTest(model=model, user=kind):
                    for operation in ("write", "create", "unlink"):
                        self.assertFalse(
                            report.with_user(user).has_access(operation), operation
                        )

    def test_touchpoints_create_and_unlink(self):
        call = self.env.ref("customer_followup.touchpoint_type_call")
        Touchpoint = self.env["customer.touchpoint"]
        salesman = self.salesman
        theirs = self.partners["theirs"]
        # a contact the salesperson made with another's customer is logged...
        logged = Touchpoint.with_user(salesman).create(
            {"partner_id": theirs.id, "type_id": call.id}
        )
        self.assertEqual(logged.user_id, salesman)
        self.assertIn(logged, theirs.touchpoint_ids)
        # ...but never in another salesperson's name
        with self.assertRaisesRegex(AccessError, "You can log your own contacts"):
            Touchpoint.with_user(salesman).create(
                {
                    "partner_id": theirs.id,
                    "type_id": call.id,
                    "user_id": self.other_salesman.id,
                }
            )
        with self.assertRaises(AccessError):
            Touchpoint.with_user(self.users["portal"]).create(
                {"partner_id": self.customer.id, "type_id": call.id}
            )
        # another company's user logs in their own company's ledger
        branch_touchpoint = Touchpoint.with_user(self.users["other_company"]).create(
            {"partner_id": self.customer.id, "type_id": call.id}
        )
        self.assertEqual(
            branch_touchpoint.company_id, self.users["other_company"].company_id
        )
        self.assertEqual(
            Touchpoint.with_user(self.users["other_company"]).search(
                [("partner_id", "=", self.customer.id)]
            ),
            branch_touchpoint,
        )
        with self.assertRaises(AccessError):
            self.records["mine"]["customer.touchpoint"].with_user(
                self.users["other_company"]
            ).read(["summary"])
        with self.assertRaises(AccessError):
            self.records["mine"]["customer.touchpoint"].with_user(salesman).unlink()
        self.records["theirs"]["customer.touchpoint"].with_user(
            self.users["manager"]
        ).unlink()

    def test_configuration_is_for_managers(self):
        configs = {
            "customer.touchpoint.type": self.env.ref(
                "customer_followup.touchpoint_type_call"
            ),
            "customer.tier": self.env.ref("customer_followup.customer_tier_a"),
            "product.consumable.rule": self.gasket_rule,
        }
        for model, record in configs.items():
            # types and tiers are shared by the companies, rules are not
            managers = {"manager"}
            if model != "product.consumable.rule":
                managers.add("other_company")
            for kind, user in self.users.items():
                with self.subTest(model=model, user=kind):
                    can_read = kind != "portal" and (
                        kind in managers or kind != "other_company"
                    )
                    self.assertEqual(
                        record.with_user(user).has_access("read"), can_read
                    )
                    if kind in managers:
                        record.with_user(user).write({"active": True})
                    else:
                        with self.assertRaises(AccessError):
                            record.with_user(user).write({"active": True})
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.users["manager"]).create({})

    def test_touchpoint_types_are_created_by_managers(self):
        Type = self.env["customer.touchpoint.type"]
        with self.assertRaises(AccessError):
            Type.with_user(self.salesman).create(
                {"name": "Fax", "channel": "other", "weight": 1}
            )
        new_type = Type.with_user(self.users["manager"]).create(
            {"name": "Trade fair", "channel": "visit", "weight": 8}
        )
        new_type.with_user(self.users["manager"]).weight = 9
        self.assertEqual(new_type.weight, 9)

    def test_groups_are_implied_by_sales_groups(self):
        for kind, followup_user, followup_manager in (
            ("salesperson_own", True, False),
            ("salesperson_all", True, False),
            ("manager", True, True),
            ("portal", False, False),
        ):
            user = self.users[kind]
            with self.subTest(user=kind):
                self.assertEqual(
                    user.has_group("customer_followup.group_followup_user"),
                    followup_user,
                )
                self.assertEqual(
                    user.has_group("customer_followup.group_followup_manager"),
                    followup_manager,
                )

    def test_public_methods_check_access(self):
        their_cycle = self.records["theirs"]["customer.replacement"]
        their_registration = self.records["theirs"]["customer.product.registration"]
        with self.assertRaises(AccessError):
            their_cycle.with_user(self.salesman).action_cancel()
        with self.assertRaises(AccessError):
            their_registration.with_user(self.salesman).action_retire()
        self.assertEqual(their_cycle.state, "reminded")
        self.assertEqual(their_registration.state, "active")

    def test_followup_settings_are_read_only_on_the_form_of_another_salesperson(
        self,
    ):
        expected = {
            ("salesperson_own", "mine"): True,
            ("salesperson_own", "theirs"): False,
            ("salesperson_own", "nobodys"): True,
            ("followup_user_only", "theirs"): False,
            ("salesperson_all", "theirs"): True,
            ("manager", "theirs"): True,
        }
        for (kind, key), editable in expected.items():
            with self.subTest(user=kind, customer=key):
                partner = self.partners[key].with_user(self.users[kind])
                self.assertEqual(partner.followup_settings_editable, editable)

    def test_form_of_another_salespersons_customer_opens(self):
        """A salesperson limited to own documents opens a colleague's customer
        (by a link): the form opens and lists the contacts they may see."""
        theirs = self.partners["theirs"]
        Touchpoint = self.env["customer.touchpoint"]
        hidden = Touchpoint.create(
            {
                "partner_id": theirs.id,
                "type_id": self.type_call.id,
                "user_id": self.other_salesman.id,
            }
        )
        own = Touchpoint.with_user(self.salesman).create(
            {"partner_id": theirs.id, "type_id": self.type_call.id}
        )
        seen = Form(theirs.with_user(self.salesman)).followup_visible_touchpoint_ids
        self.assertIn(own, seen)
        self.assertNotIn(hidden, seen)
        self.assertEqual(
            set(seen.ids),
            set(
                Touchpoint.with_user(self.salesman)
                .search([("partner_id", "=", theirs.id)])
                .ids
            ),
        )
        seen = Form(theirs.with_user(self.manager)).followup_visible_touchpoint_ids
        self.assertIn(own, seen)
        self.assertIn(hidden, seen)

    def test_followup_settings_of_a_customer_are_for_its_salesperson(self):
        tier_d = self.env.ref("customer_followup.customer_tier_d")
        settings = {
            "followup_no_visit": True,
            "followup_no_postal": True,
            "followup_no_replacement_reminder": True,
            "followup_strategic": True,
            "followup_tier_id": tier_d.id,
            "followup_tier_locked": True,
        }
        theirs = self.partners["theirs"]
        for field, value in settings.items():
            with self.subTest(field=field):
                with self.assertRaisesRegex(AccessError, "are for its salesperson"):
                    theirs.with_user(self.salesman).write({field: value})
                with self.assertRaisesRegex(AccessError, "are for its salesperson"):
                    theirs.with_user(self.users["followup_user_only"]).write(
                        {field: value}
                    )
                self.customer.with_user(self.salesman).write({field: value})
                self.partners["nobodys"].with_user(self.salesman).write({field: value})
                theirs.with_user(self.users["salesperson_all"]).write({field: value})
        # other fields of another's customer stay as Odoo has them
        theirs.with_user(self.salesman).write({"phone": "+81 3 0000 0000"})
        # a new contact of another's customer inherits its settings
        self.env["res.partner"].with_user(self.salesman).create(
            {"name": "New contact", "parent_id": theirs.id}
        )

    def test_analysis_fields_are_never_written_over_rpc(self):
        analysis = {
            "res.partner": (
                self.customer,
                {
                    "followup_score": 99.0,
                    "next_followup_date": "2999-01-01",
                    "last_touchpoint_date": "2999-01-01 00:00:00",
                    "followup_deferred_reason": "x",
                    "followup_plan_note": "x",
                },
            ),
            "customer.replacement": (
                self.records["mine"]["customer.replacement"],
                {
                    "reminded_date": "2030-01-01",
                    "order_amount": 1e12,
                    "delivery": "print",
                    "printed_date": "2030-01-01 00:00:00",
                },
            ),
        }
        for model, (record, values) in analysis.items():
            for field, value in values.items():
                for kind in ("salesperson_own", "manager"):
                    with self.subTest(model=model, field=field, user=kind):
                        with self.assertRaises(AccessError):
                            record.with_user(self.users[kind]).write({field: value})
                        description = (
                            record.with_user(self.users[kind])
                            .fields_get([field], ["readonly"])
                            .get(field)
                        )
                        self.assertTrue(description["readonly"])
        self.assertEqual(self.customer.followup_score, 0.0)
        activity = self.customer.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.salesman.id
        )
        with self.assertRaises(AccessError):
            activity.with_user(self.salesman).write({"followup_planned": True})

    def test_workload_preview_shows_own_lines(self):
        tier = self.env.ref("customer_followup.customer_tier_a")
        for partner in self.partners.values():
            partner.followup_tier_id = tier
        self.env.company.followup_user_id = self.users["manager"]
        wizard_model = self.env["customer.followup.workload"]
        users_seen = {}
        for kind in ("salesperson_own", "manager"):
            wizard = wizard_model.with_user(self.users[kind]).create(
                {"horizon_days": 365}
            )
            wizard.action_compute()
            users_seen[kind] = set(wizard.line_ids.user_id.ids)
        self.assertEqual(
            users_seen["salesperson_own"],
            {self.salesman.id, self.users["manager"].id},
            "own customers and those without a salesperson",
        )
        self.assertIn(self.other_salesman.id, users_seen["manager"])
