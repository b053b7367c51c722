from odoo.tests import tagged
from odoo.tools import SQL

from .common import FollowupCase
from .test_migration_ranges import load_migration


@tagged("post_install", "-at_install")
class TestMigrationLengths(FollowupCase):
    """19.0.1.4.0 cuts the texts of an older database to their new maximum
    lengths (in every language of a translated field), so that the
    constraints install."""

    def _drop(self, table, name):
        self.env.cr.execute(
            SQL(
                "ALTER TABLE %s DROP CONSTRAINT %s",
                SQL.identifier(table),
                SQL.identifier(f"{table}_{name}"),
            )
        )

    def test_long_texts_are_cut(self):
        tier = self.env.ref("customer_followup.customer_tier_a")
        touchpoint = self.env["customer.touchpoint"].create(
            {"partner_id": self.customer.id, "type_id": self.type_call.id}
        )
        self.env.flush_all()
        cr = self.env.cr
        self._drop("customer_tier", "code_length")
        self._drop("customer_tier", "name_length")
        self._drop("customer_touchpoint", "summary_length")
        cr.execute(
            "UPDATE customer_tier SET code = repeat('C', 100000), "
            "name = jsonb_build_object('en_US', repeat('N', 100000), "
            "'ja_JP', repeat('名', 200)) WHERE id = %s",
            [tier.id],
        )
        cr.execute(
            "UPDATE customer_touchpoint SET summary = repeat('S', 100000) "
            "WHERE id = %s",
            [touchpoint.id],
        )
        load_migration("19.0.1.4.0", "pre-migrate").migrate(cr, "19.0.1.3.0")
        cr.execute(
            "SELECT char_length(code), char_length(name->>'en_US'), "
            "char_length(name->>'ja_JP') FROM customer_tier WHERE id = %s",
            [tier.id],
        )
        self.assertEqual(cr.fetchone(), (16, 128, 128))
        cr.execute(
            "SELECT char_length(summary) FROM customer_touchpoint WHERE id = %s",
            [touchpoint.id],
        )
        self.assertEqual(cr.fetchone(), (256,))
        # the constraints install on the migrated rows
        for model in ("customer.tier", "customer.touchpoint"):
            for constraint in self.env[model]._followup_value_ranges():
                constraint.apply_to_database(self.env[model])
