"""19.0.1.5.0: a reminder step printed in a batch logs printed mail. Letters
and postcards are what a salesperson writes by hand (the contact policy's
"how it is made"); the printed steps that logged one now log the shipped
printed mail type. Runs after pre-first-step.py, which made the first steps
(and, on a database older than the steps, kept the rules' settings aside)."""

from odoo.tools import sql

PRINTED_OF_ANOTHER_CHANNEL = """
    UPDATE {table} item
       SET {type_column} = printed.res_id
      FROM ir_model_data printed, customer_touchpoint_type type
     WHERE printed.module = 'customer_followup'
       AND printed.name = 'touchpoint_type_printed_mail'
       AND item.{delivery_column} = 'print'
       AND type.id = item.{type_column}
       AND type.channel != 'printed_mail'
"""
TARGETS = (
    ("product_consumable_rule_step", "delivery", "touchpoint_type_id"),
    (
        "product_consumable_rule",
        "followup_legacy_delivery",
        "followup_legacy_touchpoint_type_id",
    ),
)


def migrate(cr, version):
    if not version:
        return
    for table, delivery_column, type_column in TARGETS:
        if sql.column_exists(cr, table, delivery_column) and sql.column_exists(
            cr, table, type_column
        ):
            cr.execute(
                PRINTED_OF_ANOTHER_CHANNEL.format(
                    table=table,
                    delivery_column=delivery_column,
                    type_column=type_column,
                )
            )
