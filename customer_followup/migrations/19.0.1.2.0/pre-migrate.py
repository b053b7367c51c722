"""19.0.1.2.0: a replacement rule names the kind of contact of its reminder
(a touchpoint type) and how it is delivered, instead of a channel of its own;
a reminded cycle records both.

Before the models are updated, the new columns are added and filled from the
old ``channel`` columns of rules and cycles:

- email: Email type, delivered by mail;
- postal: Printed mail type, printed;
- activity: Phone call type, as an activity for the salesperson;
- opportunity: Phone call type, as an opportunity.

The old columns lose their NOT NULL (Odoo drops them at the end of the
update, with the fields)."""

from odoo.tools import SQL, sql

# old channel: (touchpoint type xmlid, its channel, delivery)
CHANNELS = {
    "email": ("touchpoint_type_email", "email", "mail"),
    "postal": ("touchpoint_type_printed_mail", "printed_mail", "print"),
    "activity": ("touchpoint_type_call", "call", "activity"),
    "opportunity": ("touchpoint_type_call", "call", "opportunity"),
}
TABLES = ("product_consumable_rule", "customer_replacement")


def touchpoint_type_id(cr, xmlid, channel):
    """The addon's touchpoint type ``xmlid``, or else the first one of
    ``channel`` (the active ones first)."""
    cr.execute(
        """
        SELECT t.id
          FROM ir_model_data d
          JOIN customer_touchpoint_type t ON t.id = d.res_id
         WHERE d.module = 'customer_followup'
           AND d.model = 'customer.touchpoint.type'
           AND d.name = %s
        """,
        [xmlid],
    )
    row = cr.fetchone()
    if not row:
        cr.execute(
            """
            SELECT id FROM customer_touchpoint_type
             WHERE channel = %s
          ORDER BY active DESC, sequence, id
             LIMIT 1
            """,
            [channel],
        )
        row = cr.fetchone()
    return row and row[0]


def map_channels(cr, table):
    if not sql.column_exists(cr, table, "channel"):
        return
    cr.execute(
        SQL(
            "ALTER TABLE %(table)s "
            "ADD COLUMN IF NOT EXISTS touchpoint_type_id int4, "
            "ADD COLUMN IF NOT EXISTS delivery varchar, "
            "ALTER COLUMN channel DROP NOT NULL",
            table=SQL.identifier(table),
        )
    )
    for channel, (xmlid, type_channel, delivery) in CHANNELS.items():
        cr.execute(
            SQL(
                "UPDATE %(table)s SET touchpoint_type_id = %(type_id)s, "
                "delivery = %(delivery)s WHERE channel = %(channel)s",
                table=SQL.identifier(table),
                type_id=touchpoint_type_id(cr, xmlid, type_channel),
                delivery=delivery,
                channel=channel,
            )
        )


def migrate(cr, version):
    if not version:
        return
    for table in TABLES:
        map_channels(cr, table)
