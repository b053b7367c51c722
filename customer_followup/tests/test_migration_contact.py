from odoo.tests import tagged

from .common import FollowupCase
from .test_migration_ranges import load_migration


@tagged("post_install", "-at_install")
class TestMigrationContact(FollowupCase):
    """19.0.1.2.0 turns the channel of the rules and cycles of a database of
    19.0.1.1.0 into a touchpoint type and a delivery."""

    def test_channels_become_touchpoint_types_and_deliveries(self):
        parts = self.env["product.product"].create(
            [{"name": f"Part {n}", "type": "consu", "sale_ok": True} for n in range(3)]
        )
        rules = {"email": self.gasket_rule} | {
            channel: self.env["product.consumable.rule"].create(
                {
                    "product_tmpl_id": self.cooker.product_tmpl_id.id,
                    "part_product_id": part.id,
                }
            )
            for channel, part in zip(
                ("postal", "activity", "opportunity"), parts, strict=True
            )
        }
        self._sell(self.customer, self.cooker)
        reminded = self._cycles(rule=rules["postal"])
        planned = self._cycles(rule=rules["activity"])
        self.assertTrue(reminded and planned)

        # the tables as 19.0.1.1.0 left them
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """
            ALTER TABLE product_consumable_rule
                ADD COLUMN channel varchar NOT NULL DEFAULT 'email';
            ALTER TABLE customer_replacement
                ADD COLUMN channel varchar,
                DROP COLUMN touchpoint_type_id CASCADE,
                DROP COLUMN delivery CASCADE;
            """
        )
        for channel, rule in rules.items():
            cr.execute(
                "UPDATE product_consumable_rule SET channel = %s WHERE id = %s",
                [channel, rule.id],
            )
        cr.execute(
            "UPDATE customer_replacement SET channel = 'postal' WHERE id = %s",
            [reminded.id],
        )

        # 19.0.1.1.0 had no reminder steps
        cr.execute(
            "DELETE FROM product_consumable_rule_step WHERE rule_id = ANY(%s)",
            [[rule.id for rule in rules.values()]],
        )

        load_migration("19.0.1.2.0", "pre-migrate").migrate(cr, "19.0.1.1.0")
        # the first reminder is step 1 since 19.0.1.5.0
        load_migration("19.0.1.5.0", "pre-first-step").migrate(cr, "19.0.1.1.0")
        self.env.invalidate_all()

        ref = self.env.ref
        email = ref("customer_followup.touchpoint_type_email")
        printed = ref("customer_followup.touchpoint_type_printed_mail")
        call = ref("customer_followup.touchpoint_type_call")
        expected = {
            "email": (email, "mail"),
            "postal": (printed, "print"),
            "activity": (call, "activity"),
            "opportunity": (call, "opportunity"),
        }
        for channel, rule in rules.items():
            with self.subTest(channel=channel):
                self.assertEqual(
                    (rule.touchpoint_type_id, rule.delivery), expected[channel]
                )
        self.assertEqual(
            (reminded.touchpoint_type_id, reminded.delivery), (printed, "print")
        )
        self.assertFalse(planned.touchpoint_type_id)
        self.assertFalse(planned.delivery)
        cr.execute(
            "SELECT is_nullable FROM information_schema.columns "
            "WHERE table_name = 'product_consumable_rule' AND column_name = 'channel'"
        )
        self.assertEqual(
            cr.fetchone()[0], "YES", "the old column no longer blocks new rules"
        )

    def test_new_database_has_nothing_to_migrate(self):
        load_migration("19.0.1.2.0", "pre-migrate").migrate(self.env.cr, None)
        load_migration("19.0.1.2.0", "pre-migrate").migrate(self.env.cr, "19.0.1.1.0")
        self.assertEqual(self.gasket_rule.delivery, "mail")
