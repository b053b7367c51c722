import inspect

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import get_public_method
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import FollowupCase

ADDON_MODULE = "odoo.addons.customer_followup."

# Public methods of the addon's models that the walk does not call, and why
# they are safe over RPC.
SAFE_METHODS = {
    "create": "the ORM checks the access rights and rules of the records created",
    "write": "the ORM checks the access rights and rules of the records written",
    "fields_get": "describes the fields only (it hides the private ones from "
    "the export dialog of who cannot see them)",
    "onchange": "the ORM's own, only marked read-only (test_readonly.py): it "
    "computes a new record in memory, with the caller's rights",
}

# Every other public method: the record it is called on (None: an empty
# recordset, as a list view's header button) and the access it needs; a
# string is an operation checked with has_access on that record, a tuple
# ("group", xmlid) a group of the caller.
CALLS = {
    ("res.partner", "action_log_touchpoint"): ("partner", "read"),
    ("res.partner", "action_view_touchpoints"): ("partner", "read"),
    ("res.partner", "action_view_product_registrations"): ("partner", "read"),
    ("sale.order", "action_log_touchpoint"): ("order", "read"),
    ("sale.order", "action_view_touchpoints"): ("order", "read"),
    ("sale.order", "action_view_registrations"): ("order", "read"),
    ("crm.lead", "action_log_touchpoint"): ("lead", "read"),
    ("crm.lead", "action_view_touchpoints"): ("lead", "read"),
    ("customer.touchpoint.mixin", "action_log_touchpoint"): ("order", "read"),
    ("customer.touchpoint.mixin", "action_view_touchpoints"): ("order", "read"),
    # the campaign's concepts are mixins of the campaign: walked through it
    ("customer.followup.campaign.delivery", "action_mark_posted"): (
        "campaign",
        "write",
    ),
    ("customer.followup.campaign.delivery", "action_print_batch"): (
        "campaign",
        "read",
    ),
    ("customer.followup.campaign.delivery", "action_print_cards_to_write"): (
        "campaign",
        "read",
    ),
    ("customer.followup.campaign.greeting", "action_plan_midwinter"): (
        "campaign",
        "write",
    ),
    ("mail.activity", "action_feedback_schedule_next"): ("activity", "write"),
    ("customer.tier", "action_view_partners"): ("tier", "read"),
    ("customer.product.registration", "action_confirm_registration"): (
        "registration",
        "write",
    ),
    ("customer.product.registration", "action_retire"): ("registration", "write"),
    ("customer.product.registration", "action_reactivate"): ("registration", "write"),
    ("customer.replacement", "action_cancel"): ("cycle", "write"),
    ("customer.replacement", "action_print_postcards"): ("cycle", "write"),
    ("customer.followup.campaign", "action_confirm"): ("campaign", "write"),
    ("customer.followup.campaign", "action_cancel"): ("campaign", "write"),
    ("customer.followup.campaign", "action_draft"): ("campaign", "write"),
    ("customer.followup.campaign", "action_mark_posted"): ("campaign", "write"),
    ("customer.followup.campaign", "action_plan_next_year"): ("campaign", "write"),
    ("customer.followup.campaign", "action_plan_midwinter"): ("campaign", "write"),
    ("customer.followup.campaign", "action_print_batch"): ("campaign", "read"),
    ("customer.followup.campaign", "action_print_cards_to_write"): (
        "campaign",
        "read",
    ),
    ("customer.followup.campaign", "action_view_response"): ("campaign", "read"),
    ("customer.followup.campaign", "action_view_pieces"): ("campaign", "read"),
    ("customer.followup.campaign.template", "action_create_campaign"): (
        "template",
        "create_campaign",
    ),
    ("customer.followup.workload", "action_compute"): ("workload", "write"),
    ("customer.followup.workload.line", "action_open_partners"): (
        "workload_line",
        "read",
    ),
    ("customer.followup.overview", "get_overview"): (
        None,
        ("group", "customer_followup.group_followup_user"),
    ),
    ("product.consumable.rule.suggestion", "action_find_suggestions"): (
        None,
        "write",
    ),
    ("product.consumable.rule.suggestion", "action_accept"): ("suggestion", "write"),
    ("ir.cron", "method_direct_trigger"): ("slipping_cron", "write"),
    ("res.users", "action_followup_send_slipping_now"): (
        "salesperson_user",
        ("group", "sales_team.group_sale_manager"),
    ),
    ("product.consumable.rule.suggestion", "action_dismiss"): ("suggestion", "write"),
    ("product.consumable.rule.suggestion", "action_reset"): ("suggestion", "write"),
    ("mail.activity", "action_followup_log_outcome"): ("activity", "write"),
    ("customer.followup.my.day", "action_log_outcome"): ("my_day", "read"),
    ("customer.followup.my.day", "action_open_customer"): ("my_day", "read"),
    ("customer.followup.my.day", "action_open_document"): ("my_day", "read"),
    ("customer.followup.call.outcome.wizard", "action_log"): (
        "outcome_wizard",
        "write",
    ),
    ("customer.followup.call.outcome.wizard", "action_apply_proposal"): (
        "outcome_wizard",
        "write",
    ),
    ("customer.followup.area.plan", "action_propose"): ("area_plan", "write"),
    ("customer.followup.area.plan", "action_apply"): ("area_plan", "write"),
}


@tagged("post_install", "-at_install")
class TestRpcMethodWalk(FollowupCase):
    """Every public method of the addon's models, called as over RPC by a
    salesperson limited to own documents (on another salesperson's records),
    a portal user and a manager of another company: each checks the caller's
    access before it does anything (as superuser or not)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-11-16 01:00:00"):
            cls._build_fixture()

    @classmethod
    def _build_fixture(cls):
        env = cls.env
        branch = env["res.company"].create({"name": "Kobe Branch"})
        cls.users = {
            "salesperson_own": cls.salesman,
            "portal": new_test_user(
                env, login="cf_walk_portal", groups="base.group_portal"
            ),
            "other_company": new_test_user(
                env,
                login="cf_walk_branch",
                groups="sales_team.group_sale_manager",
                company_id=branch.id,
                company_ids=[Command.set(branch.ids)],
            ),
        }
        other = new_test_user(
            env, login="cf_walk_other", groups="sales_team.group_sale_salesman"
        )
        partner = env["res.partner"].create(
            {
                "name": "Other's Customer",
                "email": "other.customer@example.com",
                "user_id": other.id,
                "company_id": env.company.id,
            }
        )
        order = cls._sell(partner, cls.cooker)
        order.user_id = other
        registration = order.registration_ids
        campaign = env["customer.followup.campaign"].create(
            {"name": "Walk campaign", "send_date": "2026-12-01"}
        )
        workload = env["customer.followup.workload"].with_user(cls.manager).create({})
        call = partner.activity_schedule(
            "mail.mail_activity_data_call", user_id=other.id, summary="Call back"
        )
        outcome_wizard = (
            env["customer.followup.call.outcome.wizard"]
            .with_user(other)
            .create({"partner_id": partner.id, "type_id": cls.type_call.id})
        )
        cls.records = {
            "partner": partner,
            "order": order,
            "lead": env["crm.lead"].create(
                {"name": "Walk lead", "partner_id": partner.id, "user_id": other.id}
            ),
            "activity": partner.activity_schedule(
                "mail.mail_activity_data_todo", user_id=other.id, summary="Call"
            ),
            "tier": env.ref("customer_followup.customer_tier_a"),
            "registration": registration,
            "cycle": registration.replacement_ids[:1],
            "campaign": campaign,
            "template": env["customer.followup.campaign.template"].search([], limit=1),
            "workload": workload,
            "my_day": env["customer.followup.my.day"].search(
                [("activity_id", "=", call.id)]
            ),
            "outcome_wizard": outcome_wizard.sudo(False),
            "area_plan": env["customer.followup.area.plan"]
            .with_user(other)
            .create({})
            .sudo(False),
            "slipping_cron": env.ref("customer_followup.ir_cron_slipping_mail"),
            "salesperson_user": cls.salesman,
            "workload_line": env["customer.followup.workload.line"]
            .with_user(cls.manager)
            .create({"wizard_id": workload.id, "partner_ids": partner.ids}),
            "suggestion": env["product.consumable.rule.suggestion"].create(
                {
                    "product_tmpl_id": cls.kettle.product_tmpl_id.id,
                    "part_product_id": cls.gasket.id,
                    "company_id": env.company.id,
                }
            ),
        }

    @classmethod
    def _public_methods(cls, env):
        """(model, method) of every method an addon class defines that
        Odoo lets a client call over RPC."""
        found = set()
        for model_name in env.registry:
            model = env[model_name]
            for klass in type(model).mro():
                if not klass.__module__.startswith(ADDON_MODULE):
                    continue
                for name, attr in vars(klass).items():
                    if name.startswith("_") or not callable(attr):
                        continue
                    if inspect.isclass(attr):
                        continue
                    try:
                        get_public_method(model, name)
                    except (AccessError, AttributeError):
                        continue
                    found.add((model_name, name))
        return found

    def test_every_public_method_is_walked(self):
        """A new public method cannot escape the walk: it is in CALLS or in
        the documented SAFE_METHODS."""
        missing = sorted(
            (model, name)
            for model, name in self._public_methods(self.env)
            if (model, name) not in CALLS and name not in SAFE_METHODS
        )
        self.assertEqual(missing, [], "public methods neither walked nor safe")
        stale = sorted(set(CALLS) - self._public_methods(self.env))
        self.assertEqual(stale, [], "walked methods that no longer exist")

    def _allowed(self, user, model, record_key, access):
        if isinstance(access, tuple):
            return user.has_group(access[1])
        if access == "create_campaign":
            record = self.records[record_key].with_user(user)
            return record.has_access("read") and self.env[
                "customer.followup.campaign"
            ].with_user(user).has_access("create")
        if record_key is None:
            return self.env[model].with_user(user).has_access(access)
        return self.records[record_key].with_user(user).has_access(access)

    def test_walk_as_limited_users(self):
        suggestion = self.records["suggestion"]
        for kind, user in self.users.items():
            for (model, method), (record_key, access) in sorted(CALLS.items()):
                with self.subTest(user=kind, model=model, method=method):
                    if record_key is None:
                        target = self.env[model].with_user(user)
                    else:
                        # the mixin's methods: through a model using it
                        target = self.records[record_key].with_user(user)
                    allowed = self._allowed(user, model, record_key, access)
                    with (
                        freeze_time("2026-11-16 01:00:00"),
                        self.env.cr.savepoint(flush=False) as savepoint,
                    ):
                        if allowed:
                            try:
                                getattr(target, method)()
                            except (UserError, ValidationError) as error:
                                self.assertNotIsInstance(error, AccessError)
                        else:
                            with (
                                mute_logger("odoo.models", "odoo.addons.base"),
                                self.assertRaises(AccessError),
                            ):
                                getattr(target, method)()
                        savepoint.rollback()
                    self.env.invalidate_all()
        # the finding: the pending suggestion was neither deleted nor recreated
        self.assertTrue(suggestion.exists())
        self.assertEqual(suggestion.state, "new")

    def test_salesperson_cannot_find_suggestions(self):
        """The finding over RPC: action_find_suggestions([]) as a salesperson
        without access to the model is refused before it runs as superuser."""
        suggestion = self.records["suggestion"]
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["product.consumable.rule.suggestion"].with_user(
                self.salesman
            ).action_find_suggestions()
        self.assertTrue(suggestion.exists())
