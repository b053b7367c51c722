from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.service.model import call_kw
from odoo.tests import new_test_user, tagged

from .common import FollowupCase


@tagged("post_install", "-at_install")
class TestRuleSuggestion(FollowupCase):
    """Rule suggestions from generated purchase histories: the parts the
    buyers of a durable product bought later, with the hand-computed median
    and interquartile range of the intervals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        vals = {"type": "consu", "sale_ok": True, "taxes_id": False}
        cls.espresso = Product.create(
            dict(vals, name="Espresso Machine", followup_durable=True)
        )
        cls.filter = Product.create(dict(vals, name="Water Filter"))
        cls.beans = Product.create(dict(vals, name="Coffee Beans"))
        cls.descaler = Product.create(dict(vals, name="Descaler"))
        cls.env.company.followup_suggestion_min_share = 30
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Cafe {n}", "is_company": True} for n in range(10)]
        )
        start = datetime(2026, 1, 5, 10, 0)
        # ten buyers of the machine; six bought the filter 90..150 days later
        filter_days = [90, 95, 100, 110, 120, 150]
        for index, customer in enumerate(cls.customers):
            cls._sell(customer, cls.espresso, start)
            if index < len(filter_days):
                cls._sell(customer, cls.filter, start + timedelta(filter_days[index]))
                # a second filter later does not change the first interval
                cls._sell(customer, cls.filter, start + timedelta(300))
            if index < 2:
                # two of ten: below the 30 % share
                cls._sell(customer, cls.descaler, start + timedelta(60))
        # beans bought before the machine are not "later"
        for customer in cls.customers[:5]:
            cls._sell(customer, cls.beans, start - timedelta(10))
        # twenty customers without the machine: the filter is a part of it,
        # the towels every customer buys are not
        cls.towels = Product.create(dict(vals, name="Kitchen Towels"))
        others = cls.env["res.partner"].create(
            [{"name": f"Shop {n}", "is_company": True} for n in range(20)]
        )
        for customer in cls.customers | others:
            cls._sell(customer, cls.towels, start + timedelta(30))

    @classmethod
    def _sell(cls, customer, product, when):
        order = cls.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [(0, 0, {"product_id": product.id, "price_unit": 10})],
            }
        )
        order.action_confirm()
        order.date_order = when
        return order

    def _suggestions(self):
        return self.env["product.consumable.rule.suggestion"].search(
            [("product_tmpl_id", "=", self.espresso.product_tmpl_id.id)]
        )

    @freeze_time("2026-11-20")
    def test_suggests_the_part_with_its_evidence(self):
        self.env["product.consumable.rule.suggestion"]._cron_suggest_rules()
        suggestion = self._suggestions()
        # the towels, bought later by all ten buyers as by everybody, are not
        self.assertEqual(suggestion.part_product_id, self.filter)
        self.assertEqual(suggestion.buyer_count, 10)
        self.assertEqual(suggestion.part_buyer_count, 6)
        self.assertAlmostEqual(suggestion.share, 60.0)
        # intervals 90 95 100 110 120 150: median (100 + 110) / 2
        self.assertAlmostEqual(suggestion.median_days, 105.0)
        # percentile_cont: p25 = 95 + 0.25 * 5, p75 = 110 + 0.75 * 10: 21.25,
        # kept to a tenth of a day
        self.assertAlmostEqual(suggestion.spread_days, 21.3)
        self.assertEqual(suggestion.interval_months, 3)
        self.assertEqual(suggestion.state, "new")

    @freeze_time("2026-11-20")
    def test_find_suggestions_button(self):
        # the list's header button, called as the web client calls it: with
        # the (empty) selection as its first argument
        action = call_kw(
            self.env["product.consumable.rule.suggestion"],
            "action_find_suggestions",
            [[]],
            {},
        )
        self.assertEqual(action["tag"], "soft_reload")
        self.assertEqual(self._suggestions().part_product_id, self.filter)

    @freeze_time("2026-11-20")
    def test_accept_creates_the_rule_and_is_not_proposed_again(self):
        Suggestion = self.env["product.consumable.rule.suggestion"]
        Suggestion._suggest_for_company(self.env.company)
        suggestion = self._suggestions()
        action = suggestion.action_accept()
        rule = suggestion.rule_id
        self.assertEqual(action["res_id"], rule.id)
        self.assertEqual(rule.product_tmpl_id, self.espresso.product_tmpl_id)
        self.assertEqual(rule.part_product_id, self.filter)
        self.assertEqual(rule.interval_months, 3)
        self.assertEqual(rule.lead_days, 26)
        self.assertEqual(suggestion.state, "accepted")
        Suggestion._suggest_for_company(self.env.company)
        self.assertEqual(self._suggestions(), suggestion, "the rule exists now")
        with self.assertRaises(UserError):
            suggestion.action_accept()

    @freeze_time("2026-11-20")
    def test_dismissed_stays_dismissed_and_share_setting_applies(self):
        Suggestion = self.env["product.consumable.rule.suggestion"]
        Suggestion._suggest_for_company(self.env.company)
        self._suggestions().action_dismiss()
        Suggestion._suggest_for_company(self.env.company)
        self.assertEqual(self._suggestions().mapped("state"), ["dismissed"])
        # at 70 % nothing qualifies; the dismissed one stays as it was
        self.env.company.followup_suggestion_min_share = 70
        self._suggestions().action_reset()
        Suggestion._suggest_for_company(self.env.company)
        self.assertFalse(self._suggestions())
        # at 20 %, the descaler (2 buyers of 10) still lacks the 3 buyers
        self.env.company.followup_suggestion_min_share = 20
        Suggestion._suggest_for_company(self.env.company)
        self.assertEqual(self._suggestions().part_product_id, self.filter)

    def test_only_managers_see_suggestions(self):
        salesperson = new_test_user(
            self.env,
            login="cf_suggestion_user",
            groups="sales_team.group_sale_salesman,customer_followup.group_followup_user",
        )
        with self.assertRaises(AccessError):
            self.env["product.consumable.rule.suggestion"].with_user(
                salesperson
            ).search([])
