from freezegun import freeze_time

from odoo.tests import tagged

from .common import FollowupTierCase

NOW = "2026-03-10 09:00:00"
CRON = "customer_followup.ir_cron_compute_tiers"


@tagged("post_install", "-at_install")
class TestTierScoringStorage(FollowupTierCase):
    """The scores live in customer.followup.score (one record per scored
    customer); the customer's score reads, filters, sorts and groups as a
    stored field."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._buyers()
        cls.prospect = cls._customer("Prospect")
        cls.scored = cls.big | cls.medium | cls.small
        cls.Score = cls.env["customer.followup.score"]

    def _score_records(self):
        return self.Score.search(
            [("partner_id", "in", (self.scored | self.prospect).ids)]
        )

    def test_one_record_per_scored_customer(self):
        self._run_cron(NOW, CRON)
        records = self._score_records()
        self.assertEqual(records.partner_id, self.scored)
        for partner in self.scored:
            self.assertEqual(partner.followup_score_id.partner_id, partner)
            self.assertEqual(partner.followup_score, partner.followup_score_id.score)
        self.assertFalse(self.prospect.followup_score_id)
        self.assertEqual(self.prospect.followup_score, 0.0)
        # the next day without any change: nothing is rewritten or created
        scoring = self.env["customer.followup.scoring"]
        with freeze_time(NOW):
            self.assertEqual(scoring._write_followup_scores()[0], 0)
        self.assertEqual(self._score_records(), records)
        # an order moves the percentiles: the scores follow, in the same records
        before = {p: p.followup_score for p in self.scored}
        self._order(self.small, "2026-03-01 10:00:00", 20000.0)
        self._run_cron(NOW, CRON)
        self.assertEqual(self._score_records(), records)
        self.assertGreater(self.small.followup_score, before[self.small])
        self.assertEqual(self.small.followup_score, self.small.followup_score_id.score)

    def test_search_sort_and_group_by_score(self):
        self._run_cron(NOW, CRON)
        Partner = self.env["res.partner"]
        customers = self.scored | self.prospect
        domain = [("id", "in", customers.ids)]
        self.assertEqual(
            Partner.search(
                [("id", "in", self.scored.ids)], order="followup_score desc, id"
            ).ids,
            (self.big | self.medium | self.small).ids,
        )
        self.assertEqual(
            Partner.search(
                [("id", "in", self.scored.ids)], order="followup_score", limit=1
            ),
            self.small,
        )
        self.assertEqual(
            Partner.search([*domain, ("followup_score", ">=", 100)]), self.big
        )
        # a customer never scored counts as 0
        self.assertEqual(
            Partner.search([*domain, ("followup_score", "=", 0)]), self.prospect
        )
        groups = Partner.formatted_read_group(
            domain, ["followup_tier_id"], ["followup_score:avg", "__count"]
        )
        by_tier = {group["followup_tier_id"]: group for group in groups}
        tiered = self.scored.grouped("followup_tier_id")
        for tier, partners in tiered.items():
            group = by_tier[(tier.id, tier.display_name) if tier else False]
            self.assertAlmostEqual(
                group["followup_score:avg"],
                sum(partners.mapped("followup_score")) / len(partners),
                places=2,
            )
        self.assertEqual(
            Partner.fields_get(["followup_score"], ["sortable", "groupable"])[
                "followup_score"
            ],
            {"sortable": True, "groupable": True},
        )

    def test_written_score_goes_to_its_record(self):
        self.big.followup_score = 42.5
        self.assertEqual(self.big.followup_score_id.score, 42.5)
        self.assertEqual(self.big.followup_score_id.partner_id, self.big)
        record = self.big.followup_score_id
        self.big.followup_score = 12.0
        self.assertEqual(self.big.followup_score_id, record)
        self.env.invalidate_all()
        self.assertEqual(self.big.followup_score, 12.0)
        # a record left without its link is found again, not duplicated
        self.big.sudo().followup_score_id = False
        self.big.followup_score = 7.0
        self.assertEqual(self.big.followup_score_id, record)
        self.assertEqual(record.score, 7.0)
        # the cron links it as well
        self.big.sudo().followup_score_id = False
        self._run_cron(NOW, CRON)
        self.assertEqual(self.big.followup_score_id, record)
        self.assertEqual(self.big.followup_score, 100.0)

    def test_score_record_goes_with_its_customer(self):
        customer = self._customer("Short-lived Customer")
        customer.followup_score = 30.0
        record = customer.followup_score_id
        self.assertTrue(record)
        customer.unlink()
        self.assertFalse(record.exists())
