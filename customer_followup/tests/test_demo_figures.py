import re
from datetime import datetime, time, timedelta
from pathlib import Path

from odoo import fields
from odoo.tests import TransactionCase, tagged

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(
    r"<!-- demo-figures.*?-->(?P<block>.*?)<!-- /demo-figures -->", re.DOTALL
)
ROW = re.compile(r"^\|\s*(?P<label>[^|]+?)\s*\|\s*(?P<value>[\d,]+)\s*\|\s*$")


def readme_figures(text):
    """The rows ``| label | number |`` of the README's marked block of demo
    figures, as {label: number}."""
    match = BLOCK.search(text)
    if not match:
        return {}
    figures = {}
    for line in match["block"].splitlines():
        if row := ROW.match(line.strip()):
            figures[row["label"]] = int(row["value"].replace(",", ""))
    return figures


@tagged("post_install", "-at_install")
class TestDemoFigures(TransactionCase):
    """Every figure the README gives about the demo is what a fresh `make run`
    shows: the figures of the README's block marked ``demo-figures``, against
    the database scripts/run.sh creates (make test builds one the same way
    and runs this test on it; on the test database, without demo data, it
    is skipped)."""

    def setUp(self):
        super().setUp()
        if not self.env.ref(
            "customer_followup.consumable_rule_cooker_gasket", raise_if_not_found=False
        ):
            self.skipTest(
                "no demo data: checked on the demo database of make test's last stage"
            )
        if not README.exists():
            self.skipTest(f"{README} is not there (installed addon)")
        # what the administrator of the README sees
        self.env = self.env(user=self.env.ref("base.user_admin"))

    def _first_working_day(self, today):
        """Today on a working day of the company's calendar, else the next
        working day (the planner plans nothing on a weekend or a holiday)."""
        calendar = self.env.company.resource_calendar_id
        days = [today + timedelta(days=n) for n in range(15)]
        unusual = calendar._get_unusual_days(
            datetime.combine(days[0], time.min),
            datetime.combine(days[-1], time.max),
            self.env.company,
        )
        return next(day for day in days if not unusual.get(fields.Date.to_string(day)))

    def _figures(self):
        env = self.env
        today = env.company._followup_today()
        first_working_day = self._first_working_day(today)
        partners = env["res.partner"]
        # the Japanese shop's customers: the tiers of Odoo's own demo
        # customers (its demo company) follow Odoo's demo orders, dated from
        # the moment of the install, not the shop's story
        shop = env.ref("customer_followup.demo_company_jp")
        customers = [
            ("active", "=", True),
            ("followup_tier_id", "!=", False),
            ("company_id", "=", shop.id),
        ]
        figures = {"Customers with a tier": partners.search_count(customers)}
        for tier in env["customer.tier"].search([]):
            figures[f"Tier {tier.code}"] = partners.search_count(
                [*customers, ("followup_tier_id", "=", tier.id)]
            )
        activities = env["mail.activity"].search(
            [
                ("followup_planned", "=", True),
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partners.search([("company_id", "=", shop.id)]).ids),
            ]
        )
        figures["Planned follow-ups"] = len(activities)
        figures["Planned follow-ups due on the first working day from today"] = len(
            activities.filtered(lambda a: a.date_deadline == first_working_day)
        )
        figures["Planned follow-ups overdue"] = len(
            activities.filtered(lambda a: a.date_deadline < today)
        )
        cooker = env.ref("customer_followup.product_pressure_cooker")
        figures["Registered pressure cookers"] = env[
            "customer.product.registration"
        ].search_count([("product_id", "=", cooker.id), ("state", "=", "active")])
        cycles = env["customer.replacement"]
        reminded = cycles.search(
            [("reminded_date", "!=", False), ("source", "=", "rule")]
        )
        figures["Replacement reminders sent"] = len(reminded)
        figures["Reorder reminders sent (learned intervals)"] = cycles.search_count(
            [("reminded_date", "!=", False), ("source", "=", "learned")]
        )
        figures["Rule suggestions to review"] = env[
            "product.consumable.rule.suggestion"
        ].search_count([("state", "=", "new")])
        for delivery, label in (
            ("mail", "Reminders by email"),
            ("print", "Reminders by postcard, to print"),
            ("activity", "Reminders as a call to make"),
        ):
            figures[label] = len(
                reminded.filtered(lambda c, d=delivery: c.delivery == d)
            )
        figures["Parts already re-ordered"] = cycles.search_count(
            [("state", "=", "ordered"), ("source", "=", "rule")]
        )
        return figures

    def test_readme_figures_are_the_demos(self):
        quoted = readme_figures(README.read_text(encoding="utf-8"))
        self.assertTrue(quoted, "README.md has no block marked demo-figures")
        actual = self._figures()
        unknown = set(quoted) - set(actual)
        self.assertFalse(
            unknown, f"README figures this test does not know how to count: {unknown}"
        )
        self.assertEqual(
            quoted,
            {label: actual[label] for label in quoted},
            f"README.md's demo figures differ from the demo; the demo: {actual}",
        )

    def test_japanese_shop_names_its_campaigns_in_japanese(self):
        """The campaigns of the Japanese shop's demo are named in its
        language, the coming New Year greeting as a template names it."""
        if not self.env["res.lang"]._get_data(code="ja_JP"):
            self.skipTest("the demo was loaded without Japanese")
        names = self.env["customer.followup.campaign"].search([]).mapped("name")
        self.assertIn("お取引記念日のお礼状", names)
        self.assertTrue(any(name.startswith("年賀状（") for name in names), names)
        self.assertFalse(
            [name for name in names if re.search(r"[A-Za-z]{4}", name)], names
        )
