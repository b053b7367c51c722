import importlib.util

from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools import SQL
from odoo.tools.misc import file_path

from .common import FollowupCase


def load_migration(version, name):
    path = file_path(f"customer_followup/migrations/{version}/{name}.py")
    spec = importlib.util.spec_from_file_location(f"cf_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ship_template_body_as_before(template, module):
    """Put back in ``template``'s body, in every language, the text
    ``module.OLD`` that the migration ``module`` replaces by ``module.NEW``:
    the body of a database installed before it."""
    template.env.flush_all()
    template.env.cr.execute(
        "UPDATE mail_template SET body_html = replace(body_html::text, %s, %s)"
        "::jsonb WHERE id = %s",
        [module.NEW, module.OLD, template.id],
    )
    template.invalidate_recordset(["body_html"])


@tagged("post_install", "-at_install")
class TestMigrationRanges(FollowupCase):
    """19.0.1.1.0 brings the values of a database of 19.0.1.0.0 into their new
    ranges, retires duplicate registrations and makes the rules updatable,
    so that the new constraints, indexes and rules install."""

    def _drop_constraints(self, table, names):
        for name in names:
            self.env.cr.execute(
                SQL(
                    "ALTER TABLE %s DROP CONSTRAINT %s",
                    SQL.identifier(table),
                    SQL.identifier(f"{table}_{name}"),
                )
            )

    def test_values_out_of_range_are_brought_back(self):
        self.env.flush_all()
        cr = self.env.cr
        self._drop_constraints("customer_touchpoint_type", ["weight_range"])
        self._drop_constraints(
            "product_consumable_rule", ["interval_range", "lead_range"]
        )
        self._drop_constraints("res_company", ["followup_horizon_range"])
        call = self.env.ref("customer_followup.touchpoint_type_call")
        cr.execute(
            "UPDATE customer_touchpoint_type SET weight = 1e308 WHERE id = %s",
            [call.id],
        )
        cr.execute(
            "UPDATE product_consumable_rule "
            "SET interval_months = 1000000, lead_days = -1 WHERE id = %s",
            [self.gasket_rule.id],
        )
        cr.execute(
            "UPDATE res_company SET followup_horizon_days = -5 WHERE id = %s",
            [self.env.company.id],
        )
        load_migration("19.0.1.1.0", "pre-migrate").migrate(cr, "19.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(call.weight, 100.0)
        self.assertEqual(self.gasket_rule.interval_months, 240)
        self.assertEqual(self.gasket_rule.lead_days, 0)
        self.assertEqual(self.env.company.followup_horizon_days, 0)

    def test_duplicate_registrations_are_retired(self):
        Registration = self.env["customer.product.registration"]
        first = Registration.create(
            {
                "partner_id": self.customer.id,
                "product_id": self.cooker.id,
                "serial": "DUP-1",
                "purchase_date": "2024-01-01",
            }
        )
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            "DROP INDEX customer_product_registration_serial_unique",
        )
        cr.execute(
            """
            INSERT INTO customer_product_registration
                   (partner_id, product_id, serial, purchase_date, quantity,
                    state, origin, company_id)
            SELECT partner_id, product_id, serial, purchase_date, quantity,
                   state, origin, company_id
              FROM customer_product_registration WHERE id = %s
         RETURNING id
            """,
            [first.id],
        )
        second = Registration.browse(cr.fetchone()[0])
        load_migration("19.0.1.1.0", "pre-migrate").migrate(cr, "19.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(first.state, "active")
        self.assertEqual(second.state, "retired")
        self.assertEqual(first.replacement_ids.mapped("state"), ["planned"])

    def test_rules_get_the_one_rule_set(self):
        """Noupdate rules are not reloaded by an upgrade: the migration sets
        the groups of the personal and all-customers rules."""
        personal = self.env.ref("customer_followup.customer_touchpoint_rule_personal")
        every = self.env.ref("customer_followup.customer_replacement_rule_all")
        old_groups = self.env.ref("sales_team.group_sale_salesman")
        (personal | every).groups = [Command.set(old_groups.ids)]
        load_migration("19.0.1.1.0", "post-migrate").migrate(self.env.cr, "19.0.1.0.0")
        self.assertEqual(
            personal.groups, self.env.ref("customer_followup.group_followup_user")
        )
        self.assertEqual(
            every.groups,
            self.env.ref("sales_team.group_sale_salesman_all_leads")
            | self.env.ref("customer_followup.group_followup_manager"),
        )
