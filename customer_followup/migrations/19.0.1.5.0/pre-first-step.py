"""19.0.1.5.0: the first reminder of a replacement rule is step 1 of its
ladder. Before the models are updated, each rule's own first-reminder
settings (channel, touchpoint type, email template) become a step record
placed before its other steps, and the rule's columns go (its fields of the
same names now show its first step)."""

from odoo.tools import sql

FIRST_STEP_COLUMNS = ("delivery", "touchpoint_type_id", "mail_template_id")


def migrate(cr, version):
    if not version or not sql.column_exists(cr, "product_consumable_rule", "delivery"):
        return
    if sql.table_exists(cr, "product_consumable_rule_step"):
        # step 1 gets sequence 0: the steps of sequence 0 move up by one
        cr.execute(
            """
            UPDATE product_consumable_rule_step
               SET sequence = sequence + 1
             WHERE rule_id IN (SELECT rule_id
                                 FROM product_consumable_rule_step
                                WHERE sequence <= 0)
            """
        )
        template = (
            "mail_template_id"
            if sql.column_exists(cr, "product_consumable_rule", "mail_template_id")
            else "NULL"
        )
        cr.execute(
            """
            INSERT INTO product_consumable_rule_step
                   (rule_id, sequence, delay_days, delivery, touchpoint_type_id,
                    mail_template_id, company_id, create_uid, write_uid,
                    create_date, write_date)
            SELECT id, 0, 14, delivery, touchpoint_type_id, %s,
                   company_id, COALESCE(write_uid, 1), COALESCE(write_uid, 1),
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM product_consumable_rule
             WHERE delivery IS NOT NULL AND touchpoint_type_id IS NOT NULL
          ORDER BY id
            """
            % template
        )
    else:
        # a database older than the steps: the update creates their table;
        # the post-migration makes the first steps from these columns
        for column in FIRST_STEP_COLUMNS:
            if not sql.column_exists(cr, "product_consumable_rule", column):
                continue
            sql.rename_column(
                cr, "product_consumable_rule", column, f"followup_legacy_{column}"
            )
        return
    for column in FIRST_STEP_COLUMNS:
        cr.execute(
            sql.SQL(
                "ALTER TABLE product_consumable_rule DROP COLUMN IF EXISTS %s CASCADE",
                sql.SQL.identifier(column),
            )
        )
