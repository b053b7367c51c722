from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import FollowupCase


@tagged("post_install", "-at_install")
class TestRuleSuggestion(FollowupCase):
    """Replacement rules suggested from generated purchase histories: an
    espresso machine bought by five customers; four bought descaler later,
    after 700, 730, 760 and 800 days (80 % of the buyers); one bought a milk
    jug 100 days later and two bought beans later (under the minimum of
    three buyers)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.followup_suggestion_share = 30
        Product = cls.env["product.product"]
        vals = {"type": "consu", "sale_ok": True}
        cls.machine = Product.create(dict(vals, name="Espresso Machine"))
        cls.machine.product_tmpl_id.followup_durable = True
        cls.descaler = Product.create(dict(vals, name="Descaler"))
        cls.jug = Product.create(dict(vals, name="Milk Jug"))
        cls.beans = Product.create(dict(vals, name="Beans"))
        Partner = cls.env["res.partner"]
        cls.buyers = Partner.create([{"name": f"Cafe {n}"} for n in range(5)])
        delays = {0: 700, 1: 730, 2: 760, 3: 800}
        for index, buyer in enumerate(cls.buyers):
            cls._sell(buyer, cls.machine, "2022-01-10 10:00:00")
            if index in delays:
                later = datetime(2022, 1, 10, 10) + timedelta(days=delays[index])
                cls._sell(buyer, cls.descaler, later.strftime("%Y-%m-%d %H:%M:%S"))
                # a second, later descaler: only the first one counts
                cls._sell(buyer, cls.descaler, "2025-06-01 10:00:00")
        cls._sell(cls.buyers[4], cls.jug, "2022-04-20 10:00:00")
        cls._sell(cls.buyers[0], cls.beans, "2022-02-10 10:00:00")
        cls._sell(cls.buyers[1], cls.beans, "2022-02-10 10:00:00")
        # a machine of one buyer bought again later is not its own part
        cls._sell(cls.buyers[2], cls.machine, "2024-01-10 10:00:00")

    def _suggestions(self):
        return self.env["product.consumable.rule.suggestion"].search(
            [("product_tmpl_id", "=", self.machine.product_tmpl_id.id)]
        )

    def test_suggested_interval(self):
        Suggestion = self.env["product.consumable.rule.suggestion"]
        self.assertEqual(Suggestion._compute_suggestions(), 1)
        suggestion = self._suggestions()
        self.assertEqual(suggestion.part_product_id, self.descaler)
        self.assertEqual(suggestion.buyer_count, 5)
        self.assertEqual(suggestion.part_buyer_count, 4)
        self.assertEqual(suggestion.share, 80.0)
        # delays 700, 730, 760, 800: median (730 + 760) / 2 = 745; Q1 at
        # 0.75 = 722.5; Q3 at 2.25 = 770: spread 47.5
        self.assertEqual(suggestion.median_days, 745.0)
        self.assertEqual(suggestion.spread_days, 47.5)
        # 745 / 30.44 = 24.5 -> 24 months
        self.assertEqual(suggestion.interval_months, 24)

    def test_share_of_buyers(self):
        Suggestion = self.env["product.consumable.rule.suggestion"]
        self.company.followup_suggestion_share = 90
        self.assertEqual(Suggestion._compute_suggestions(), 0, "80 % < 90 %")
        self.company.followup_suggestion_share = 80
        self.assertEqual(Suggestion._compute_suggestions(), 1)
        # the milk jug (one buyer) stays under the minimum of three buyers
        self.company.followup_suggestion_share = 1
        self.assertEqual(self._suggestions().part_product_id, self.descaler)

    def test_accept_creates_the_rule_once(self):
        Suggestion = self.env["product.consumable.rule.suggestion"]
        Suggestion._compute_suggestions()
        suggestion = self._suggestions()
        action = suggestion.with_user(self.manager).action_accept()
        rule = self.env["product.consumable.rule"].browse(action["res_id"])
        self.assertEqual(rule.product_tmpl_id, self.machine.product_tmpl_id)
        self.assertEqual(rule.part_product_id, self.descaler)
        self.assertEqual(rule.interval_months, 24)
        self.assertEqual(suggestion.state, "accepted")
        self.assertEqual(suggestion.rule_id, rule)
        self.assertEqual(Suggestion._compute_suggestions(), 0)
        self.assertEqual(self._suggestions(), suggestion, "kept, not proposed again")

    def test_dismissed_is_not_proposed_again(self):
        Suggestion = self.env["product.consumable.rule.suggestion"]
        Suggestion._compute_suggestions()
        self._suggestions().with_user(self.manager).action_dismiss()
        self.assertEqual(Suggestion._compute_suggestions(), 0)
        self.assertEqual(self._suggestions().state, "dismissed")

    def test_salesperson_cannot_accept(self):
        self.env["product.consumable.rule.suggestion"]._compute_suggestions()
        Suggestion = self.env["product.consumable.rule.suggestion"]
        self.assertFalse(Suggestion.with_user(self.salesman).has_access("read"))
