from odoo.tests import tagged

from .common import FollowupCase
from .test_migration_ranges import load_migration


@tagged("post_install", "-at_install")
class TestMigrationScore(FollowupCase):
    """19.0.1.3.0 moves the scores of a database of 19.0.1.2.0 from their
    res_partner column to customer.followup.score."""

    def test_scores_move_to_their_table(self):
        Partner = self.env["res.partner"]
        scored = Partner.create(
            [{"name": f"Scored {n}", "is_company": True} for n in range(3)]
        )
        unscored = Partner.create({"name": "Never scored", "is_company": True})
        linked = Partner.create({"name": "Already moved", "is_company": True})
        linked.followup_score = 55.5
        record = linked.followup_score_id

        # the tables as 19.0.1.2.0 left them
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("ALTER TABLE res_partner ADD COLUMN followup_score float8")
        for partner, score in zip(scored, (12.5, 0.0, 99.9), strict=True):
            cr.execute(
                "UPDATE res_partner SET followup_score = %s WHERE id = %s",
                [score, partner.id],
            )
        cr.execute(
            "UPDATE res_partner SET followup_score = 55.5, followup_score_id = NULL"
            " WHERE id = %s",
            [linked.id],
        )

        load_migration("19.0.1.3.0", "post-migrate").migrate(cr, "19.0.1.2.0")
        self.env.invalidate_all()

        self.assertEqual(scored.mapped("followup_score"), [12.5, 0.0, 99.9])
        for partner in scored:
            self.assertEqual(partner.followup_score_id.partner_id, partner)
        self.assertFalse(unscored.followup_score_id)
        self.assertEqual(linked.followup_score_id, record)
        self.assertEqual(linked.followup_score, 55.5)
        cr.execute(
            "SELECT 1 FROM information_schema.columns"
            " WHERE table_name = 'res_partner' AND column_name = 'followup_score'"
        )
        self.assertFalse(cr.fetchone())
        # run again (nothing left to move): no error, nothing duplicated
        load_migration("19.0.1.3.0", "post-migrate").migrate(cr, "19.0.1.2.0")
        self.assertEqual(
            self.env["customer.followup.score"].search_count(
                [("partner_id", "in", (scored | linked).ids)]
            ),
            4,
        )
