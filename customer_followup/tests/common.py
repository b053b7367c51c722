from collections import namedtuple
from contextlib import closing, contextmanager
from datetime import datetime

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api, fields, sql_db
from odoo.tests import TransactionCase, new_test_user

REMINDER_CRON = "customer_followup.ir_cron_replacement_reminders"

# The moment the fixtures are made and the tests run unless a test moves the
# clock (a Monday, 10:00 in Tokyo): no test reads the real clock.
STORY_NOW = "2026-11-16 01:00:00"
SHOP_TZ = "Asia/Tokyo"

# A campaign's email waiting to leave: when, its subject and its body.
CampaignEmail = namedtuple("CampaignEmail", "moment subject body")


def load_japanese(env):
    """Activate Japanese with the addon's catalog."""
    env["res.lang"]._activate_lang("ja_JP")
    env["ir.module.module"]._load_module_terms(
        ["customer_followup"], ["ja_JP"], overwrite=True
    )


def campaign_emails(pieces):
    """{piece id: its scheduled email} of the email pieces of ``pieces``
    whose email is waiting to leave: the mails of Odoo's mail composer, or
    the mailings of the Email Marketing bridge when it is installed (its own
    tests check the mailings' UTM campaign and statistics)."""
    pieces = pieces.filtered(lambda piece: piece.kind == "email")
    if "mailing_id" in pieces._fields:
        emails = {
            piece.id: piece.mailing_id or piece.campaign_id.mailing_id
            for piece in pieces
        }
        return {
            piece_id: CampaignEmail(
                mailing.schedule_date, mailing.subject, mailing.body_html
            )
            for piece_id, mailing in emails.items()
            if mailing
        }
    mails = (
        pieces.env["mail.mail"]
        .sudo()
        .search([("mail_message_id", "in", pieces.mail_message_id.ids)])
    )
    by_message = {mail.mail_message_id.id: mail for mail in mails}
    emails = {piece.id: by_message.get(piece.mail_message_id.id) for piece in pieces}
    return {
        piece_id: CampaignEmail(mail.scheduled_date, mail.subject, mail.body_html)
        for piece_id, mail in emails.items()
        if mail
    }


class FollowupCase(TransactionCase):
    """The one fixture of the addon's tests, without demo data: a salesperson
    and a sales manager; a household customer with a postal address (who buys
    the pressure cooker) and a company customer with a contact person; the
    shipped touchpoint types; a pressure cooker whose gasket is replaced every
    24 months, its safety valve and a kettle without replacement parts. The
    shop is in Tokyo; the clock stands at ``STORY_NOW``."""

    freeze_time = freeze_time(STORY_NOW)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.followup_tz = SHOP_TZ
        cls.salesman = new_test_user(
            cls.env,
            login="cf_salesman",
            name="Sato Salesman",
            email="salesman@example.com",
            groups="sales_team.group_sale_salesman",
        )
        cls.manager = new_test_user(
            cls.env,
            login="cf_manager",
            name="Mori Manager",
            groups="sales_team.group_sale_manager",
        )
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {
                "name": "Taro Yamada",
                "email": "taro@example.com",
                "zip": "150-0001",
                "city": "Shibuya-ku",
                "street": "1-2-3 Jingumae",
                "user_id": cls.salesman.id,
            }
        )
        cls.company_customer = Partner.create(
            {
                "name": "Kimura Kitchen Co.",
                "is_company": True,
                "user_id": cls.salesman.id,
            }
        )
        cls.contact = Partner.create(
            {"name": "Kimura Hanako", "parent_id": cls.company_customer.id}
        )
        ref = cls.env.ref
        cls.type_visit = ref("customer_followup.touchpoint_type_visit")
        cls.type_call = ref("customer_followup.touchpoint_type_call")
        cls.type_letter = ref("customer_followup.touchpoint_type_letter")
        cls.type_postcard = ref("customer_followup.touchpoint_type_postcard")
        cls.type_printed = ref("customer_followup.touchpoint_type_printed_mail")
        cls.type_email = ref("customer_followup.touchpoint_type_email")
        Product = cls.env["product.product"]
        product_vals = {"type": "consu", "sale_ok": True}
        cls.cooker = Product.create(
            dict(
                product_vals,
                name="Pressure Cooker 6 L",
                default_code="PC-600",
                list_price=180.0,
            )
        )
        cls.gasket = Product.create(
            dict(
                product_vals,
                name="Rubber Gasket PC-600",
                default_code="PC-600-GK",
                list_price=15.0,
                taxes_id=False,
            )
        )
        cls.valve = Product.create(
            dict(
                product_vals,
                name="Safety Valve PC-600",
                default_code="PC-600-SV",
                list_price=22.0,
                taxes_id=False,
            )
        )
        cls.kettle = Product.create(dict(product_vals, name="Kettle", list_price=30.0))
        cls.gasket_rule = cls.env["product.consumable.rule"].create(
            {
                "product_tmpl_id": cls.cooker.product_tmpl_id.id,
                "part_product_id": cls.gasket.id,
                "interval_months": 24,
                "lead_days": 30,
                "window_months": 6,
                "touchpoint_type_id": cls.env.ref(
                    "customer_followup.touchpoint_type_email"
                ).id,
                "delivery": "mail",
            }
        )
        cls.cron = ref(REMINDER_CRON)

    @classmethod
    def _set_delivery(cls, rule, delivery):
        """Deliver the reminders of ``rule`` by ``delivery``, with the
        touchpoint type the rule form proposes for it."""
        types = {
            "mail": "touchpoint_type_email",
            "print": "touchpoint_type_printed_mail",
            "activity": "touchpoint_type_call",
            "opportunity": "touchpoint_type_call",
        }
        rule.write(
            {
                "delivery": delivery,
                "touchpoint_type_id": cls.env.ref(
                    f"customer_followup.{types[delivery]}"
                ).id,
            }
        )

    @classmethod
    def _sell(cls, partner, products, date="2024-01-15 10:00:00", confirm=True):
        with freeze_time(date):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 1})
                        for product in products
                    ],
                }
            )
            if confirm:
                order.action_confirm()
        return order

    def _run_cron(self, now, xmlid=REMINDER_CRON):
        """Run a cron job as the scheduler does, at ``now``; fail if it fails."""
        with freeze_time(now), self.enter_registry_test_mode():
            result = self.env.ref(xmlid).method_direct_trigger()
        if isinstance(result, dict) and result.get("tag") == "display_notification":
            result = result["params"]["type"] in ("success", "warning")
        self.assertIs(result, True, f"cron {xmlid} failed: {result}")
        self.env.invalidate_all()

    def _cycles(self, partner=None, rule=None):
        domain = [("partner_id", "=", (partner or self.customer).id)]
        if rule:
            domain.append(("rule_id", "=", rule.id))
        return self.env["customer.replacement"].search(domain, order="cycle, id")

    def _reminder_mails(self, cycles):
        return self.env["mail.mail"].search(
            [("model", "=", "customer.replacement"), ("res_id", "in", cycles.ids)]
        )

    def _hagaki_html(self, cycles):
        return (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "customer_followup.action_report_replacement_hagaki", cycles.ids
            )[0]
            .decode()
        )

    @contextmanager
    def assertRaisesText(self, exception, text):
        """``assertRaisesRegex`` with Odoo's savepoint rollback: what the failed
        call wrote is undone, as in a real request."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertIn(text, str(catcher.exception))


class BrowserCase(FollowupCase):
    """For the browser's tours, which run on the browser's own clock: only
    the fixture is made at ``STORY_NOW``."""

    freeze_time = None

    @classmethod
    def setUpClass(cls):
        with freeze_time(STORY_NOW):
            super().setUpClass()


class FollowupTierCase(FollowupCase):
    """Adds what the scoring and the planner need: known settings, own tiers
    instead of the shipped ones, a second salesperson and orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "followup_window_months": 24,
                "followup_weight_recency": 30,
                "followup_weight_frequency": 25,
                "followup_weight_monetary": 25,
                "followup_weight_margin": 20,
                "followup_strategic_bonus": 30,
                "followup_horizon_days": 7,
                "followup_user_id": False,
            }
        )
        cls.env["customer.tier"].search([]).action_archive()
        cls.type_postcard.capacity_per_user_month = 2
        Tier = cls.env["customer.tier"]
        cls.tier_a = Tier.create(
            {
                "name": "Test key",
                "code": "TA",
                "sequence": 1,
                "min_score": 70,
                "cadence_days": 30,
                "touchpoint_type_id": cls.type_visit.id,
            }
        )
        cls.tier_b = Tier.create(
            {
                "name": "Test loyal",
                "code": "TB",
                "sequence": 2,
                "min_score": 40,
                "cadence_days": 60,
                "touchpoint_type_id": cls.type_postcard.id,
            }
        )
        cls.tier_c = Tier.create(
            {"name": "Test other", "code": "TC", "sequence": 3, "min_score": 0}
        )
        cls.salesman_2 = new_test_user(
            cls.env,
            login="cf_salesman_2",
            name="Ben Seller",
            groups="sales_team.group_sale_salesman",
        )
        cls.planner = cls.env["customer.followup.planner"]

    @classmethod
    def _customer(cls, name, **vals):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "user_id": cls.salesman.id,
                "email": f"{name.lower().replace(' ', '.')}@example.com",
                **vals,
            }
        )

    @classmethod
    def _buyers(cls):
        """A big, a medium and a dormant buyer, with their orders, as
        ``cls.big``, ``cls.medium`` and ``cls.small``."""
        cls.big = cls._customer("Big Buyer")
        for day in ("2025-09-01", "2025-11-15", "2026-01-10", "2026-02-20"):
            cls._order(cls.big, f"{day} 10:00:00", 5000.0)
        cls.medium = cls._customer("Medium Buyer")
        cls._order(cls.medium, "2025-12-01 10:00:00", 1500.0)
        cls._order(cls.medium, "2026-01-05 10:00:00", 1500.0)
        cls.small = cls._customer("Dormant Buyer")
        cls._order(cls.small, "2024-07-01 10:00:00", 100.0)

    @classmethod
    def _order(cls, partner, date, amount, company=None):
        """A confirmed order of ``amount`` (no tax) dated ``date``, of
        ``company`` (default: the current one); the kettle has no replacement
        part, so no cycle is planned."""
        company = company or cls.env.company
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "team_id": False,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.kettle.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        order.date_order = fields.Datetime.to_datetime(date)
        return order

    def _planned_activities(self, partners=None, active=True):
        domain = [("followup_planned", "=", True), ("res_model", "=", "res.partner")]
        if partners is not None:
            domain.append(("res_id", "in", partners.ids))
        model = self.env["mail.activity"].with_context(active_test=False)
        if active is not None:
            domain.append(("active", "=", active))
        return model.search(domain)

    @staticmethod
    def _dt(value):
        return datetime.fromisoformat(value)


class TwoWorkersCase(TransactionCase):
    """Two workers at once, on two real database connections: the fixture is
    committed on a connection of its own (other connections see committed
    data only) and deleted again after the test. The clock stands at
    ``STORY_NOW`` for both (the database's own ``now()``, which stamps the
    records' write dates, is the only real clock left)."""

    freeze_time = freeze_time(STORY_NOW)

    def _connection(self):
        cr = sql_db.db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(cr.close)
        # never wait on a lock forever: a blocked worker fails the test
        cr.execute("SET lock_timeout = '10s'")
        return api.Environment(cr, SUPERUSER_ID, {})

    def _race_reminder_crons(self, cycle_ids, runs):
        """Worker A holds the cycles while worker B runs the reminder cron,
        then the two run it in turn (B, A, B, ...), ``runs`` runs in all,
        each committed."""
        worker_a, worker_b = self._connection(), self._connection()
        locked = (
            worker_a["customer.replacement"].browse(cycle_ids).try_lock_for_update()
        )
        self.assertEqual(len(locked), len(cycle_ids), "worker A holds the cycles")
        for run in range(runs):
            worker = worker_b if run % 2 == 0 else worker_a
            worker["customer.replacement"]._cron_send_reminders()
            worker.cr.commit()  # pylint: disable=invalid-commit

    def _cleanup(self, model, ids, before=None):
        def unlink():
            with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                if before:
                    before(env)
                env[model].browse(ids).exists().unlink()
                cr.commit()  # pylint: disable=invalid-commit

        self.addCleanup(unlink)

    def _due_cycles(self, setup, name, **rule_vals):
        """Three customers owning a cooker whose gasket reminder is due, in
        ``setup`` (not committed yet); their documents are deleted after the
        test. Returns (customers, cycles)."""
        product_vals = {"type": "consu", "sale_ok": True, "taxes_id": False}
        cooker = setup["product.product"].create(
            dict(product_vals, name=f"{name} Cooker")
        )
        gasket = setup["product.product"].create(
            dict(product_vals, name=f"{name} Gasket", list_price=9.0)
        )
        rule = setup["product.consumable.rule"].create(
            {
                "product_tmpl_id": cooker.product_tmpl_id.id,
                "part_product_id": gasket.id,
                "interval_months": 24,
                "lead_days": 30,
                "window_months": 6,
                "delivery": "mail",
                **rule_vals,
            }
        )
        customers = setup["res.partner"].create(
            [
                {
                    "name": f"{name} Owner {n}",
                    "email": f"{name.lower()}{n}@example.com",
                }
                for n in range(3)
            ]
        )
        registrations = setup["customer.product.registration"].create(
            [
                {
                    "partner_id": customer.id,
                    "product_id": cooker.id,
                    "purchase_date": fields.Date.today()
                    - relativedelta(months=24, days=-10),
                }
                for customer in customers
            ]
        )
        cycles = registrations.replacement_ids

        def drop_documents(env):
            cycles_ = env["customer.replacement"].browse(cycles.ids)
            quotations = cycles_.quotation_id
            env["mail.mail"].search(
                [("model", "=", "customer.replacement"), ("res_id", "in", cycles.ids)]
            ).unlink()
            env["customer.touchpoint"].search(
                [("partner_id", "in", customers.ids)]
            ).unlink()
            cycles_.unlink()
            registrations.with_env(env).unlink()
            quotations.action_cancel()
            quotations.unlink()
            rule.with_env(env).unlink()
            (cooker | gasket).with_env(env).product_tmpl_id.unlink()

        self._cleanup("res.partner", customers.ids, before=drop_documents)
        return customers, cycles


def call_kw(case, model, method, args, kwargs=None):
    """A JSON-RPC call as the web client makes it, in the session of the
    HttpCase ``case``: (result, error data or None)."""
    response = case.opener.post(
        f"{case.base_url()}/web/dataset/call_kw/{model}/{method}",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs or {},
            },
        },
    )
    body = response.json()
    return body.get("result"), (body.get("error") or {}).get("data")
