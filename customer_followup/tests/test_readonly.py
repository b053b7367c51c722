"""The reads that run on the read replica (issue 27): every method and route
the addon marks read-only, and every screen Odoo itself already sends there
(``web_read``, ``web_search_read``, ``formatted_read_group``, ``onchange`` of
a never saved report), run in a read-only transaction: any write fails.

In Odoo 19 a read-only request that writes is not lost: Odoo logs a WARNING
("..., retrying with a read/write cursor") and serves it again on the
primary. The suite fails on any WARNING (scripts/pytest_odoo_logcheck.py), and
the walk below runs the marked methods where no retry exists: a wrong
marking cannot pass unnoticed."""

from contextlib import contextmanager

import psycopg2

from odoo import api, http
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FollowupTierCase

ADDON_MODULE = "odoo.addons.customer_followup."

# Every model method the addon marks read-only (the marking of the JSON-RPC
# routes /web/dataset/call_kw and call_button: the first class of the model's
# MRO defining the method with a ``_readonly``), and why it never writes.
READONLY_METHODS = {
    ("customer.followup.overview", "get_overview"): "counts and sums, no record",
    ("customer.followup.control.report", "onchange"): (
        "the comparison is computed on a new record the form never saves"
    ),
    ("customer.followup.campaign", "onchange"): (
        "the campaign's form, its preview with it, computed in memory"
    ),
    ("customer.followup.campaign.preview", "onchange"): "the same, on its mixin",
}

# Every route of the addon whose read-only mode is not False (a callable
# decides per request), and why it never writes when read-only.
READONLY_ROUTES = {
    "/my/products": "lists the customer's registrations and products",
    "/q/<string:code>": "read-only only for a known code of a quotation with "
    "its access token: a wrong code is counted, a missing token made, on the "
    "primary",
}


def readonly_methods(env):
    """(model, method) of the addon's classes that Odoo's JSON-RPC routes
    serve with a read-only cursor."""
    found = set()
    for model_name in env.registry:
        mro = type(env[model_name]).mro()
        for klass in mro:
            if not klass.__module__.startswith(ADDON_MODULE):
                continue
            for name, attr in vars(klass).items():
                if not callable(attr):
                    continue
                for other in mro:
                    method = getattr(other, name, None)
                    if method is not None and hasattr(method, "_readonly"):
                        if method._readonly:
                            found.add((model_name, name))
                        break
    return found


def readonly_routes(registry):
    """{url: routing} of the routes an addon controller defines or overrides
    that are read-only (or decided by a callable)."""
    found = {}
    rules = http._generate_routing_rules(sorted(registry._init_modules), False)
    for url, endpoint in rules:
        name = endpoint.func.__name__
        classes = type(endpoint.func.__self__).mro()
        if not any(
            klass.__module__.startswith(ADDON_MODULE) and name in vars(klass)
            for klass in classes
        ):
            continue
        if endpoint.routing.get("readonly"):
            found[url] = endpoint.routing
    return found


def screen_calls(case):
    """The addon's read screens as the web client calls them:
    (model, record ids, method, args)."""
    control = case.env["customer.followup.control.report"]
    effect = case.env["customer.followup.effect.report"]
    measures = [
        f"{name}:{field.aggregator}"
        for name, field in effect._fields.items()
        if field.aggregator and field.store
    ]
    return [
        ("customer.followup.overview", [], "get_overview", []),
        (control._name, [], "onchange", [{}, [], dict.fromkeys(control._fields, {})]),
        (effect._name, [], "formatted_read_group", [[], ["tier_id"], measures]),
        (effect._name, [], "formatted_read_group", [[], ["channel"], measures]),
        (
            "customer.followup.campaign",
            case.campaign.ids,
            "web_read",
            [{"preview_html": {}, "name": {}}],
        ),
        # a new campaign's form, then a change of an existing one's date
        (
            "customer.followup.campaign",
            [],
            "onchange",
            [{}, [], {"preview_html": {}, "name": {}, "send_date": {}}],
        ),
        (
            "customer.followup.campaign",
            case.campaign.ids,
            "onchange",
            [
                {"send_date": "2026-12-27"},
                ["send_date"],
                {"preview_html": {}, "send_date": {}},
            ],
        ),
    ]


@tagged("post_install", "-at_install")
class TestReadonly(FollowupTierCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._buyers()
        for partner, tier in (
            (cls.big, cls.tier_a),
            (cls.medium, cls.tier_b),
            (cls.small, cls.tier_c),
        ):
            partner.sudo().followup_tier_id = tier
        cls.env["customer.touchpoint"].create(
            {
                "partner_id": cls.big.id,
                "type_id": cls.type_visit.id,
                "date": "2026-11-02 10:00:00",
            }
        )
        cls.env["customer.followup.effect.report"]._refresh()
        cls.campaign = cls.env["customer.followup.campaign"].create(
            {
                "name": "Readonly preview",
                "send_date": "2026-12-20",
                "partner_domain": repr(
                    [("id", "in", (cls.big | cls.medium | cls.small).ids)]
                ),
                "line_ids": [
                    (0, 0, {"tier_id": tier.id, "touchpoint_type_id": type_.id})
                    for tier, type_ in (
                        (cls.tier_a, cls.type_postcard),
                        (cls.tier_b, cls.type_postcard),
                    )
                ],
            }
        )

    @contextmanager
    def read_only(self):
        """A read-only transaction, as a cursor of the read replica: what runs
        in it and what it leaves to flush must not write."""
        self.env.flush_all()
        with self.env.cr.savepoint(flush=False) as savepoint:
            self.env.cr.execute("SET TRANSACTION READ ONLY")
            try:
                yield
                self.env.flush_all()
            finally:
                # back to a read/write transaction, the cache with it
                savepoint.rollback()
                self.env.invalidate_all()
                self.env.transaction.clear()

    def test_every_marking_is_walked(self):
        """A new read-only method or route cannot escape the walks below."""
        self.assertEqual(readonly_methods(self.env), set(READONLY_METHODS))
        self.assertEqual(set(readonly_routes(self.registry)), set(READONLY_ROUTES))

    def test_write_under_read_only_fails(self):
        """The walk's transaction refuses a write, the ORM's (flushed at the
        end, as a request does) as plain SQL."""
        with (
            self.assertRaises(psycopg2.errors.ReadOnlySqlTransaction),
            mute_logger("odoo.sql_db"),
            self.read_only(),
        ):
            self.big.name = "Renamed on the replica"
        with (
            self.assertRaises(psycopg2.errors.ReadOnlySqlTransaction),
            mute_logger("odoo.sql_db"),
            self.read_only(),
        ):
            self.env.cr.execute("UPDATE res_partner SET name = name WHERE id = 1")
        # and the transaction writes again afterwards
        self.big.name = "Big Buyer Renamed"
        self.env.flush_all()

    def test_wrong_marking_is_caught(self):
        """A method marked read-only that writes (a last-seen date, say) fails
        in the walk's transaction."""

        @api.readonly
        def get_overview(model):
            model.env.user.partner_id.sudo().comment = "seen"
            return {}

        Overview = self.env["customer.followup.overview"]
        with (
            self.assertRaises(psycopg2.errors.ReadOnlySqlTransaction),
            mute_logger("odoo.sql_db"),
            self.read_only(),
        ):
            get_overview(Overview)

    def test_read_screens_in_read_only(self):
        """The marked methods and Odoo's own read-only calls of the addon's
        screens, as the manager and as a salesperson, on a read-only
        transaction."""
        for user in (self.manager, self.salesman):
            for model, ids, method, args in screen_calls(self):
                with self.subTest(user=user.login, model=model, method=method):
                    target = self.env[model].with_user(user).browse(ids)
                    access = "read" if ids or method != "onchange" else "create"
                    if not target.has_access(access):
                        continue
                    with self.read_only():
                        result = getattr(target, method)(*args)
                        self.assertTrue(result)
        self.assertIn(
            "Tiers", str(self.env["customer.followup.overview"].get_overview())
        )

    def test_campaign_preview_is_not_empty(self):
        with self.read_only():
            html = self.campaign.preview_html
        self.assertIn("o_followup_campaign_preview", str(html))

    def test_addon_fields_read_in_read_only(self):
        """Odoo reads every form and list with web_read / web_search_read on
        the replica: every field the addon and its Email Marketing bridge
        define (their computed fields too) is read there without writing."""
        for model_name in sorted(self.env.registry):
            Model = self.env[model_name]
            if Model._abstract:
                continue
            names = [
                name
                for name, field in Model._fields.items()
                if (field._module or "").startswith("customer_followup")
            ]
            if not names:
                continue
            with self.subTest(model=model_name), self.read_only():
                Model.web_search_read(
                    [], {name: {} for name in names}, limit=5, count_limit=5
                )

    def test_workload_dry_run_writes_nothing(self):
        """The workload preview stays on the primary (its wizard stores the
        lines the user clicks through); its heavy part, the planner's dry
        run, writes nothing: it could move to the replica."""
        wizard = (
            self.env["customer.followup.workload"].with_user(self.manager).create({})
        )
        with self.read_only():
            plan = wizard._get_plan()
            values = wizard._line_values(wizard._visible_plan_lines(plan))
        self.assertTrue(values)
