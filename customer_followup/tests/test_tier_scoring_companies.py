from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from .common import FollowupTierCase

NOW = "2026-03-10 09:00:00"
CRON = "customer_followup.ir_cron_compute_tiers"


@tagged("post_install", "-at_install")
class TestTierScoringCompanies(FollowupTierCase):
    """Each company ranks its customers with its own settings over its own
    orders; a customer buying from both is scored by one of them.

    Main company: window 24 months (since 2024-03-10), weights recency 40,
    frequency 30, monetary 30, strategic bonus 20. Second house: window 6
    months (since 2025-09-10), only monetary value counts, bonus 10. Margins
    weigh 0 in both, so that the figures hold with or without sale_margin.

    Main company's ranking (Tokyo, Yokohama, Shared):
      recency   Shared 2025-10-01 1/3, Yokohama 2025-12-01 2/3, Tokyo 1
      frequency Yokohama 1 and Shared 1: 2/3, Tokyo 2: 1
      monetary  Yokohama 500 1/3, Tokyo 2000 2/3, Shared 3000 1
      Tokyo    = 100 (0.4 + 0.3 + 0.3 x 2/3)         = 90.0
      Yokohama = 100 (0.4 x 2/3 + 0.3 x 2/3 + 0.1)   = 56.7
    Second house's ranking (Kyoto, Osaka, Shared), monetary only:
      Shared 100 1/3, Osaka 200 (its 5,000 of 2025-04-01 is outside the
      window) 2/3, Kyoto 800 1
      Kyoto 100.0, Osaka 66.7, Shared 33.3 (its last order is in the second
      house: it is scored there, not with the 63.3 of the main company).
    Strategic customers without orders: Nara (second house) 10.0, Lone (no
    company: the main company) 20.0."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "followup_weight_recency": 40,
                "followup_weight_frequency": 30,
                "followup_weight_monetary": 30,
                "followup_weight_margin": 0,
                "followup_strategic_bonus": 20,
            }
        )
        cls.house_2 = cls.env["res.company"].create(
            {
                "name": "Second House",
                "followup_window_months": 6,
                "followup_weight_recency": 0,
                "followup_weight_frequency": 0,
                "followup_weight_monetary": 100,
                "followup_weight_margin": 0,
                "followup_strategic_bonus": 10,
            }
        )
        cls.env.user.company_ids |= cls.house_2
        cls.tokyo = cls._customer("Tokyo Buyer")
        cls._order(cls.tokyo, "2025-06-01 10:00:00", 1000.0)
        cls._order(cls.tokyo, "2026-01-15 10:00:00", 1000.0)
        cls.yokohama = cls._customer("Yokohama Buyer")
        cls._order(cls.yokohama, "2025-12-01 10:00:00", 500.0)
        cls.shared = cls._customer("Shared Buyer")
        cls._order(cls.shared, "2025-10-01 10:00:00", 3000.0)
        cls._order(cls.shared, "2026-02-20 10:00:00", 100.0, company=cls.house_2)
        cls.kyoto = cls._customer("Kyoto Shop", company_id=cls.house_2.id)
        cls._order(cls.kyoto, "2026-02-01 10:00:00", 800.0, company=cls.house_2)
        cls.osaka = cls._customer("Osaka Shop", company_id=cls.house_2.id)
        cls._order(cls.osaka, "2025-11-01 10:00:00", 200.0, company=cls.house_2)
        cls._order(cls.osaka, "2025-04-01 10:00:00", 5000.0, company=cls.house_2)
        cls.nara = cls._customer(
            "Nara Shop", company_id=cls.house_2.id, followup_strategic=True
        )
        cls.lone = cls._customer("Lone Strategic", followup_strategic=True)
        cls.customers = (
            cls.tokyo
            | cls.yokohama
            | cls.shared
            | cls.kyoto
            | cls.osaka
            | cls.nara
            | cls.lone
        )

    def _scores(self):
        return {p.name: p.followup_score for p in self.customers}

    def _tiers(self):
        return {p.name: p.followup_tier_id.code for p in self.customers}

    def test_each_company_scores_its_customers_with_its_settings(self):
        self._run_cron(NOW, CRON)
        self.assertEqual(
            self._scores(),
            {
                "Tokyo Buyer": 90.0,
                "Yokohama Buyer": 56.7,
                "Shared Buyer": 33.3,
                "Kyoto Shop": 100.0,
                "Osaka Shop": 66.7,
                "Nara Shop": 10.0,
                "Lone Strategic": 20.0,
            },
        )
        self.assertEqual(
            self._tiers(),
            {
                "Tokyo Buyer": "TA",
                "Yokohama Buyer": "TB",
                "Shared Buyer": "TC",
                "Kyoto Shop": "TA",
                "Osaka Shop": "TB",
                "Nara Shop": "TC",
                "Lone Strategic": "TC",
            },
        )
        # first classifications post nothing in the chatter
        self.assertFalse(self._tier_tracking(self.customers))

    def test_company_settings_are_read_for_its_customers(self):
        self._run_cron(NOW, CRON)
        # A year of window in the second house: Osaka's 5,000 counts (5,200
        # > Kyoto's 800); a bigger bonus for Nara. The main company's
        # customers keep their scores.
        self.house_2.write(
            {"followup_window_months": 12, "followup_strategic_bonus": 25}
        )
        self._run_cron("2026-03-11 09:00:00", CRON)
        scores = self._scores()
        self.assertEqual(scores["Osaka Shop"], 100.0)
        self.assertEqual(scores["Kyoto Shop"], 66.7)
        self.assertEqual(scores["Nara Shop"], 25.0)
        self.assertEqual(scores["Tokyo Buyer"], 90.0)
        self.assertEqual(scores["Lone Strategic"], 20.0)
        # the main company's bonus does not reach the second house's customers
        self.company.followup_strategic_bonus = 50
        self._run_cron("2026-03-12 09:00:00", CRON)
        self.assertEqual(self.nara.followup_score, 25.0)
        self.assertEqual(self.lone.followup_score, 50.0)
        # Kyoto moved from A to B, Osaka from B to A: tracked
        self.assertEqual(self.osaka.followup_tier_id, self.tier_a)
        self.assertEqual(self.kyoto.followup_tier_id, self.tier_b)
        tracking = self._tier_tracking(self.kyoto)
        self.assertEqual(len(tracking), 1)
        self.assertEqual(tracking.old_value_char, self.tier_a.display_name)

    def test_partner_company_decides_its_ranking(self):
        # The shared buyer belongs to the main company: scored there although
        # its last order is in the second house.
        self.shared.company_id = self.company
        self._run_cron(NOW, CRON)
        self.assertEqual(self.shared.followup_score, 63.3)
        # Its orders still rank the second house's customers.
        self.assertEqual(self.osaka.followup_score, 66.7)

    def test_first_tiers_through_the_orm_give_the_same_result(self):
        # An extension with another stored field computed from the tier gets
        # the first classification through the ORM: same tiers, same dates.
        scoring_class = type(self.env["customer.followup.scoring"])
        with patch.object(
            scoring_class, "_first_classification_in_sql", return_value=False
        ):
            self._run_cron(NOW, CRON)
        orm_result = (self._scores(), self._tiers())
        orm_dates = {p.name: p.next_followup_date for p in self.customers}
        self.assertFalse(self._tier_tracking(self.customers))
        self.customers.write({"followup_tier_id": False, "followup_score": 0})
        self._run_cron(NOW, CRON)
        self.assertEqual((self._scores(), self._tiers()), orm_result)
        self.assertEqual(
            {p.name: p.next_followup_date for p in self.customers}, orm_dates
        )
        self.assertEqual(
            self.kyoto.next_followup_date, fields.Date.to_date("2026-03-10")
        )
        self.assertFalse(self.nara.next_followup_date)

    def _tier_tracking(self, partners):
        return partners.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "followup_tier_id"
        )

    # ------------------------------------------------------------------
    # Time budget
    # ------------------------------------------------------------------

    def _change_many_tiers(self):
        """After a first classification: Tokyo A -> B, Yokohama B -> C,
        Kyoto A -> B, Osaka B -> A (tier thresholds and the second house's
        window change)."""
        self.tier_a.min_score = 95
        self.tier_b.min_score = 60
        self.house_2.followup_window_months = 12

    EXPECTED_AFTER_CHANGE = {
        "Tokyo Buyer": "TB",
        "Yokohama Buyer": "TC",
        "Shared Buyer": "TC",
        "Kyoto Shop": "TB",
        "Osaka Shop": "TA",
        "Nara Shop": "TC",
        "Lone Strategic": "TC",
    }

    def _trigger_with_tiny_budget(self, now):
        """One trigger of the cron whose time budget is always used: one call
        of the job, which stops after its first step."""
        with (
            patch("odoo.addons.base.models.ir_cron.MIN_RUNS_PER_JOB", 1),
            patch("odoo.addons.base.models.ir_cron.MIN_TIME_PER_JOB", 0),
        ):
            self._run_cron(now, CRON)
        progress = self.env["ir.cron.progress"].search(
            [("cron_id", "=", self.env.ref(CRON).id)], order="id desc", limit=1
        )
        return progress.done, progress.remaining

    def test_one_full_run_after_a_change(self):
        self._run_cron(NOW, CRON)
        self._change_many_tiers()
        self._run_cron(NOW, CRON)
        self.assertEqual(self._tiers(), self.EXPECTED_AFTER_CHANGE)
        self.assertEqual(len(self._tier_tracking(self.customers)), 4)

    def test_tiny_budget_stops_and_resumes(self):
        scoring_class = type(self.env["customer.followup.scoring"])
        score_writes = []
        original = scoring_class._write_followup_scores

        def counted(model, *args, **kwargs):
            score_writes.append(1)
            return original(model, *args, **kwargs)

        with (
            patch.object(scoring_class, "_write_followup_scores", counted),
            patch(
                # the tier changes' batches, read where they are applied
                "odoo.addons.customer_followup.models.customer_followup_tiering"
                ".SCORE_BATCH_SIZE",
                1,
            ),
        ):
            # first classification: one set-based step, nothing left
            self.assertEqual(self._trigger_with_tiny_budget(NOW), (7, 0))
            self.assertEqual(self._tiers()["Kyoto Shop"], "TA")
            self._change_many_tiers()
            score_writes.clear()
            # four tracked changes, one per call; the scores are written by the
            # first call only
            self.assertEqual(self._trigger_with_tiny_budget(NOW), (1, 3))
            self.assertEqual(self.osaka.followup_score, 100.0)
            self.assertEqual(self.kyoto.followup_score, 66.7)
            self.assertEqual(self._trigger_with_tiny_budget(NOW), (1, 2))
            self.assertEqual(self._trigger_with_tiny_budget(NOW), (1, 1))
            self.assertEqual(len(self._tier_tracking(self.customers)), 3)
            self.assertEqual(self._trigger_with_tiny_budget(NOW), (1, 0))
            self.assertEqual(len(score_writes), 1)
            # the run is over: the next one scores again and finds nothing
            self.assertEqual(self._trigger_with_tiny_budget(NOW), (0, 0))
            self.assertEqual(len(score_writes), 2)
        self.assertEqual(self._tiers(), self.EXPECTED_AFTER_CHANGE)
        self.assertEqual(len(self._tier_tracking(self.customers)), 4)

    def _pending(self):
        """The customers whose tier change a call left to the next one."""
        return (
            self.env["customer.followup.score"]
            .search([("tier_pending", "=", True)])
            .partner_id
        )

    def test_resumed_call_writes_what_the_first_left(self):
        with patch(
            "odoo.addons.customer_followup.models.customer_followup_tiering"
            ".SCORE_BATCH_SIZE",
            1,
        ):
            self._trigger_with_tiny_budget(NOW)
            self._change_many_tiers()
            self.assertEqual(self._trigger_with_tiny_budget(NOW), (1, 3))
            left = self._pending()
            self.assertEqual(len(left), 3)
            # before the next call, a manager locks one of them: it keeps its
            # tier, and the calls write the other two
            locked = left.sorted("id")[-1]
            tier_before = locked.followup_tier_id
            locked.followup_tier_locked = True
            self.assertEqual(self._trigger_with_tiny_budget(NOW), (1, 1))
            self.assertEqual(self._trigger_with_tiny_budget(NOW), (1, 0))
            self.assertEqual(self._pending(), locked)
            self.assertEqual(locked.followup_tier_id, tier_before)
            # the next run scores again and leaves nothing marked
            self.assertEqual(self._trigger_with_tiny_budget(NOW), (0, 0))
        self.assertFalse(self._pending())
        expected = dict(self.EXPECTED_AFTER_CHANGE, **{locked.name: tier_before.code})
        self.assertEqual(self._tiers(), expected)

    def test_outside_a_cron_nothing_is_committed(self):
        scoring = self.env["customer.followup.scoring"]
        with patch.object(
            type(self.env["ir.cron"]),
            "_commit_progress",
            side_effect=AssertionError("_commit_progress called outside a cron"),
        ):
            self.assertEqual(
                scoring._recompute_followup_tiers(
                    today=fields.Date.to_date("2026-03-10")
                ),
                7,
            )
        self.assertEqual(self._tiers()["Osaka Shop"], "TB")

    def test_migrated_cron_calls_the_scoring_model(self):
        from .test_migration_ranges import load_migration  # noqa: PLC0415

        cron = self.env.ref(CRON)
        cron.model_id = self.env.ref("customer_followup.model_customer_tier")
        load_migration("19.0.1.2.0", "post-scoring-cron").migrate(
            self.env.cr, "19.0.1.1.0"
        )
        self.assertEqual(cron.model_id.model, "customer.followup.scoring")
        self._run_cron(NOW, CRON)
        self.assertEqual(self.kyoto.followup_tier_id, self.tier_a)
