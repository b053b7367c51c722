import datetime
import itertools
from contextlib import contextmanager

from dateutil.relativedelta import relativedelta
from lxml import etree
from psycopg2 import IntegrityError

from odoo import Command, fields, models
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.base.tests.common import HttpCaseWithUserPortal

from ..models.value_range import MaxLength
from .common import STORY_NOW, call_kw

# Numbers and dates an attacker or a slip of the finger could send.
WILD_NUMBERS = [1e308, -1e308, 1e12, -1e12, 1e9, -1, float("nan"), float("inf")]
WILD_DATES = ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"]
# the finding: 100 KB accepted for codes, names and summaries
WILD_TEXT_LENGTH = 100_000
# Numeric and date fields the addon defines that users cannot write (computed,
# related, analysis output kept read-only by customer.followup.guard), or that
# hold no quantity a user types (transient preview lines).
NOT_WRITABLE = {
    "customer.followup.workload.line",
    # the proposal of Plan by area, written by the wizard (read-only lines)
    "customer.followup.area.plan.line",
    "customer.replacement.report",
    "customer.followup.campaign.report",
    "customer.followup.effect.report",
    "customer.followup.control",
    # a view over the activities, orders and customers (My Day)
    "customer.followup.my.day",
    # written by the short link's route, never by users
    "customer.followup.short.link.attempt",
}
# Models whose texts only are walked here (their numbers depend on each other:
# tests of their own check them)
TEXTS_ONLY = {"customer.followup.campaign.template"}


@tagged("post_install", "-at_install")
class TestValueRanges(HttpCaseWithUserPortal):
    """Every numeric and date field the addon lets users write has a range; a
    manager writing values at, inside and past its bounds (and wild values)
    through create and write gets either acceptance or the range's clear
    message, and with the extreme accepted values the overview, the customer
    form, the crons and the portal still work."""

    freeze_time = freeze_time(STORY_NOW)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="cf_range_manager",
            groups="sales_team.group_sale_manager,base.group_system",
        )
        product_vals = {"type": "consu", "sale_ok": True, "taxes_id": False}
        Product = cls.env["product.product"]
        cls.cooker = Product.create(dict(product_vals, name="Range Cooker"))
        cls.gasket = Product.create(dict(product_vals, name="Range Gasket"))
        cls.customer = cls.partner_portal
        cls.customer.write({"email": "joel@example.com", "user_id": cls.manager.id})
        cls.call = cls.env.ref("customer_followup.touchpoint_type_call")
        cls.rule = cls.env["product.consumable.rule"].create(
            {
                "product_tmpl_id": cls.cooker.product_tmpl_id.id,
                "part_product_id": cls.gasket.id,
            }
        )
        cls.step = cls.env["product.consumable.rule.step"].create(
            {"rule_id": cls.rule.id}
        )
        # a rule without cycles, to create cycles of any number
        cls.spare_rule = cls.rule.copy({"active": False})
        cls.registration = cls.env["customer.product.registration"].create(
            {
                "partner_id": cls.customer.id,
                "product_id": cls.cooker.id,
                "purchase_date": fields.Date.today() - relativedelta(years=2),
            }
        )
        cls.touchpoint = cls.env["customer.touchpoint"].create(
            {"partner_id": cls.customer.id, "type_id": cls.call.id}
        )
        cls.tier = cls.env.ref("customer_followup.customer_tier_a")
        cls.customer.followup_tier_id = cls.tier
        cls.counter = itertools.count(1)
        cls.campaign = cls.env["customer.followup.campaign"].create(
            {
                "name": "Range campaign",
                "send_date": fields.Date.today(),
                "line_ids": [
                    Command.create(
                        {"tier_id": cls.tier.id, "touchpoint_type_id": cls.call.id}
                    )
                ],
            }
        )

    # ------------------------------------------------------------------
    # What is walked
    # ------------------------------------------------------------------

    def _records(self):
        """One existing record per model with ranges, to write on."""
        return {
            "customer.touchpoint.type": self.call,
            "customer.touchpoint": self.touchpoint,
            # a tier without planned contact: its cadence may be 0
            "customer.tier": self.env.ref("customer_followup.customer_tier_d"),
            "res.company": self.env.company,
            "product.consumable.rule": self.rule,
            "product.consumable.rule.step": self.step,
            "customer.product.registration": self.registration,
            "customer.replacement": self.registration.replacement_ids[:1],
            "customer.followup.workload": self.env["customer.followup.workload"].create(
                {}
            ),
            "customer.followup.campaign": self.campaign,
            "customer.followup.campaign.line": self.campaign.line_ids,
            "customer.followup.campaign.template": self.env.ref(
                "customer_followup.campaign_template_new_year"
            ),
        }

    def _create_vals(self, model):
        """Valid values to create a record of ``model`` (None: not created
        here, e.g. companies)."""
        number = next(self.counter)
        return {
            "customer.touchpoint.type": {"name": f"Type {number}"},
            "customer.touchpoint": {
                "partner_id": self.customer.id,
                "type_id": self.call.id,
            },
            "customer.tier": {"name": f"Tier {number}", "code": f"T{number}"},
            "res.company": None,
            "product.consumable.rule": {
                "product_tmpl_id": self.cooker.product_tmpl_id.id,
                "part_product_id": self.gasket.id,
            },
            "product.consumable.rule.step": {"rule_id": self.rule.id},
            "customer.product.registration": {
                "partner_id": self.customer.id,
                "product_id": self.cooker.id,
                "serial": f"SN-{number}",
            },
            "customer.replacement": {
                "registration_id": self.registration.id,
                "rule_id": self.spare_rule.id,
                "cycle": 100 + number,
                "start_date": "2024-01-01",
                "due_date": "2026-01-01",
                "remind_date": "2025-12-01",
            },
            "customer.followup.workload": {},
            # a new campaign's send date is from today on: written, not created
            "customer.followup.campaign": None,
            "customer.followup.campaign.line": {
                "campaign_id": self.campaign.id,
                "touchpoint_type_id": self.call.id,
            },
            # many required fields: written, not created
            "customer.followup.campaign.template": None,
        }[model]

    def _model_ranges(self, model):
        ranges = self.env[model]._followup_value_ranges()
        if model in TEXTS_ONLY:
            ranges = [r for r in ranges if isinstance(r, MaxLength)]
        return ranges

    def _ranges(self):
        return {model: self._model_ranges(model) for model in self._records()}

    def _effective_high(self, model, value_range):
        """Dates of past events (contacts, purchases) also stop at today."""
        if (model, value_range.field_name) in {
            ("customer.touchpoint", "date"),
            ("customer.product.registration", "purchase_date"),
        }:
            return fields.Date.today()
        return value_range.high

    @staticmethod
    def _text(value_range, length):
        """A valid text of ``length`` characters for the field."""
        if value_range.field_name == "partner_domain":
            prefix, suffix = "[('name', '!=', '", "')]"
            return prefix + "x" * (length - len(prefix) - len(suffix)) + suffix
        return "x" * length

    def _values(self, model, value_range):
        """(value, accepted) pairs: at, inside and past the bounds, and wild."""
        low, high = value_range.low, self._effective_high(model, value_range)
        if isinstance(value_range, MaxLength):
            return [
                (self._text(value_range, high // 2), True),
                (self._text(value_range, high), True),
                (self._text(value_range, high + 1), False),
                (self._text(value_range, WILD_TEXT_LENGTH), False),
            ]
        if isinstance(low, datetime.date):
            day = datetime.timedelta(days=1)
            middle = low + (high - low) / 2
            values = [(low, True), (middle, True), (high, True)]
            values += [(low - day, False), (high + day, False)]
            values = [(fields.Date.to_string(v), ok) for v, ok in values]
            return values + [(value, False) for value in WILD_DATES]
        step = 1 if isinstance(low, int) else 0.01
        middle = (low + high) // 2 if isinstance(low, int) else (low + high) / 2
        values = [(low, True), (middle, True), (high, True)]
        values += [(low - step, False), (high + step, False)]
        values += [(value, False) for value in WILD_NUMBERS]
        if isinstance(low, int):
            values.append((low + 0.5, False))
        return values

    # ------------------------------------------------------------------
    # Assertions
    # ------------------------------------------------------------------

    @contextmanager
    def _refused(self, model, value_range):
        with mute_logger("odoo.sql_db"), self.assertRaises(Exception) as catcher:
            with self.env.cr.savepoint():
                yield
                self.env.flush_all()
        error = catcher.exception
        if isinstance(error, IntegrityError):
            message = self.env[model]._sql_error_to_message(error)
        else:
            self.assertIsInstance(error, ValidationError)
            message = error.args[0]
        if message != value_range._message(self.env):
            # past today, a contact or a purchase is refused as in the future
            self.assertNotEqual(
                self._effective_high(model, value_range), value_range.high, message
            )
            self.assertIn("in the future", message)
        self.env.invalidate_all()

    def test_every_user_number_and_date_has_a_range(self):
        """A new numeric or date field cannot be added without its range."""
        missing = []
        for model_name, model_cls in self.env.registry.items():
            if model_name in NOT_WRITABLE or model_cls._abstract:
                continue
            model = self.env[model_name]
            ranged = {
                r.field_name for r in getattr(model, "_followup_value_ranges", list)()
            }
            system = set(getattr(model, "_followup_system_fields", ()))
            for name, field in model._fields.items():
                if (
                    name in models.MAGIC_COLUMNS
                    or field._module != "customer_followup"
                    or field.type
                    not in ("integer", "float", "monetary", "date", "datetime")
                    or not field.store
                    or field.related
                    or (field.compute and field.readonly)
                    or name in system
                ):
                    continue
                if name not in ranged:
                    missing.append(f"{model_name}.{name}")
        self.assertEqual(missing, [], "fields without a ValueRange")

    def test_every_user_text_has_a_max_length(self):
        """A new Char or Text field users write cannot be added without its
        maximum length."""
        missing = []
        for model_name, model_cls in self.env.registry.items():
            if model_name in NOT_WRITABLE or model_cls._abstract:
                continue
            model = self.env[model_name]
            limited = {
                r.field_name
                for r in getattr(model, "_followup_value_ranges", list)()
                if isinstance(r, MaxLength)
            }
            system = set(getattr(model, "_followup_system_fields", ()))
            for name, field in model._fields.items():
                if (
                    field._module != "customer_followup"
                    or field.type not in ("char", "text")
                    or not field.store
                    or field.related
                    or field.compute
                    or field.readonly
                    or name in system
                ):
                    continue
                if name not in limited:
                    missing.append(f"{model_name}.{name}")
        self.assertEqual(missing, [], "texts without a MaxLength")

    def test_max_lengths_are_in_the_database(self):
        for model_name, model_cls in self.env.registry.items():
            if model_cls._abstract:
                continue
            for limit in getattr(
                self.env[model_name], "_followup_value_ranges", list
            )():
                if not isinstance(limit, MaxLength):
                    continue
                with self.subTest(model=model_name, field=limit.field_name):
                    self.env.cr.execute(
                        "SELECT 1 FROM pg_constraint WHERE conname = %s",
                        [limit.full_name(self.env[model_name])],
                    )
                    self.assertTrue(self.env.cr.fetchone())

    def test_max_length_counts_characters_in_every_language(self):
        """Japanese counts characters, not bytes; a translation past the
        limit is refused by the database too."""
        tier = self.tier.with_user(self.manager)
        tier.with_context(lang="en_US").name = "日" * 128
        self.env.flush_all()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "UPDATE customer_tier SET name = name || "
                    "jsonb_build_object('ja_JP', repeat('x', 129)) WHERE id = %s",
                    [tier.id],
                )
        with self.assertRaisesRegex(ValidationError, "at most 128 characters"):
            tier.name = "x" * 129

    def test_walk_every_range_through_create_and_write(self):
        records = self._records()
        for model, ranges in self._ranges().items():
            record = records[model].with_user(self.manager)
            self.assertTrue(ranges, model)
            for value_range in ranges:
                name = value_range.field_name
                for value, accepted in self._values(model, value_range):
                    with self.subTest(model=model, field=name, value=value):
                        vals_list = [("write", {name: value})]
                        create_vals = self._create_vals(model)
                        if create_vals is not None:
                            vals_list.append(
                                ("create", dict(create_vals, **{name: value}))
                            )
                        for method, vals in vals_list:
                            if accepted:
                                with self.env.cr.savepoint() as savepoint:
                                    if method == "write":
                                        record.write(vals)
                                    else:
                                        record.create(vals)
                                    self.env.flush_all()
                                    savepoint.rollback()
                                self.env.invalidate_all()
                            else:
                                before = record.read([name])[0][name]
                                with self._refused(model, value_range):
                                    if method == "write":
                                        record.write(vals)
                                    else:
                                        record.create(vals)
                                self.assertEqual(record.read([name])[0][name], before)

    def _set_all_to(self, bound):
        """Write every range's low or high bound on the walked records."""
        for model, record in self._records().items():
            vals = {}
            for value_range in self._model_ranges(model):
                high = self._effective_high(model, value_range)
                if isinstance(value_range, MaxLength):
                    if bound == "high":
                        vals[value_range.field_name] = self._text(value_range, high)
                    continue
                vals[value_range.field_name] = (
                    value_range.low if bound == "low" else high
                )
            if model == "customer.replacement":
                vals["cycle"] = record.cycle
            if model == "customer.tier":
                # the customer's tier plans a contact: at least a day apart
                record = self.tier
                vals["cadence_days"] = max(vals["cadence_days"], 1)
            record.with_user(self.manager).write(vals)
        self.env.flush_all()

    def _check_screens_crons_and_portal(self):
        manager = self.manager
        overview = self.env["customer.followup.overview"].with_user(manager)
        self.assertTrue(overview.get_overview()["sections"])
        Partner = self.env["res.partner"].with_user(manager)
        arch = Partner.get_views([(False, "form")])["views"]["form"]["arch"]
        names = {
            node.get("name")
            for node in etree.fromstring(arch).iter("field")
            if not any(a.tag == "field" for a in node.iterancestors())
        }
        Partner.browse(self.customer.id).web_read({name: {} for name in names})
        for xmlid in (
            "customer_followup.ir_cron_compute_tiers",
            "customer_followup.ir_cron_plan_followups",
            "customer_followup.ir_cron_replacement_reminders",
        ):
            with self.subTest(cron=xmlid):
                self.assertIs(self.env.ref(xmlid).method_direct_trigger(), True)
        workload = self.env["customer.followup.workload"].with_user(manager).create({})
        workload.action_compute()
        self.authenticate("portal", "portal")
        response = self.url_open("/my/products")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Range Cooker", response.text)

    def test_extreme_accepted_values_break_nothing(self):
        for bound in ("high", "low"):
            with self.subTest(bound=bound):
                self._set_all_to(bound)
                self._check_screens_crons_and_portal()

    def _call_kw(self, model, method, args, kwargs=None):
        result, error = call_kw(self, model, method, args, kwargs)
        return result, error and error["message"]

    def test_values_sent_over_rpc_get_clear_messages(self):
        """The findings of the attack over the real JSON-RPC API."""
        self.manager.password = "cf_range_manager"
        self.authenticate("cf_range_manager", "cf_range_manager")
        cases = [
            ("customer.touchpoint", "create", [{"weight": 1e308}], "Weight must be"),
            (
                "customer.touchpoint.type",
                "write",
                [{"capacity_per_user_month": 1e12}],
                "Capacity",
            ),
            (
                "customer.tier",
                "write",
                [{"cadence_days": 1e9}],
                "Cadence (days) must be",
            ),
            (
                "product.consumable.rule",
                "write",
                [{"interval_months": 1000000}],
                "Interval",
            ),
            ("product.consumable.rule", "write", [{"lead_days": 1e9}], "Lead Time"),
            ("res.company", "write", [{"followup_horizon_days": 1e9}], "Horizon"),
            ("res.company", "write", [{"followup_window_months": 1000000}], "Window"),
            (
                "customer.touchpoint",
                "write",
                [{"date": "0001-01-01 00:00:00"}],
                "Date must be",
            ),
            (
                "customer.replacement",
                "write",
                [{"due_date": "9999-12-31"}],
                "Due Date must be",
            ),
            ("res.partner", "write", [{"followup_score": 100}], "followup_score"),
        ]
        records = {
            "customer.touchpoint": self.touchpoint,
            "customer.touchpoint.type": self.call,
            "customer.tier": self.tier,
            "product.consumable.rule": self.rule,
            "res.company": self.env.company,
            "customer.replacement": self.registration.replacement_ids[:1],
            "res.partner": self.customer,
        }
        for model, method, args, message in cases:
            with self.subTest(model=model, args=args):
                if method == "create":
                    args = [
                        dict(args[0], partner_id=self.customer.id, type_id=self.call.id)
                    ]
                else:
                    args = [records[model].ids, *args]
                with mute_logger("odoo.http"):
                    result, error = self._call_kw(model, method, args)
                self.assertFalse(result)
                self.assertIn(message, error or "")
        self.env.invalidate_all()
        self.assertEqual(self.customer.followup_score, 0.0)
        self.assertEqual(self.env.company.followup_horizon_days, 7)
