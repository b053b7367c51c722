"""19.0.1.5.0, from a database older than the reminder steps: each rule's
first-reminder settings, kept aside by the pre-migration, become its step 1."""

from odoo import SUPERUSER_ID, api
from odoo.tools import sql

LEGACY = "followup_legacy_delivery"


def migrate(cr, version):
    if not version or not sql.column_exists(cr, "product_consumable_rule", LEGACY):
        return
    template = (
        "r.followup_legacy_mail_template_id"
        if sql.column_exists(
            cr, "product_consumable_rule", "followup_legacy_mail_template_id"
        )
        else "NULL"
    )
    cr.execute(
        """
        SELECT r.id, r.followup_legacy_delivery, r.followup_legacy_touchpoint_type_id,
               %s
          FROM product_consumable_rule r
         WHERE r.followup_legacy_delivery IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM product_consumable_rule_step s
                            WHERE s.rule_id = r.id)
      ORDER BY r.id
        """
        % template
    )
    rows = cr.fetchall()
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["product.consumable.rule.step"].create(
        [
            {
                "rule_id": rule_id,
                "sequence": 0,
                "delivery": delivery,
                "touchpoint_type_id": type_id,
                "mail_template_id": template_id,
            }
            for rule_id, delivery, type_id, template_id in rows
        ]
    )
    for column in ("delivery", "touchpoint_type_id", "mail_template_id"):
        cr.execute(
            sql.SQL(
                "ALTER TABLE product_consumable_rule DROP COLUMN IF EXISTS %s CASCADE",
                sql.SQL.identifier(f"followup_legacy_{column}"),
            )
        )
