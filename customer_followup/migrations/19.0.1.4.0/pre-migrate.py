"""19.0.1.4.0: the texts users write have a maximum length (a CHECK
constraint each): longer texts of older versions are cut to it first, so
that the constraints install."""

from odoo.tools import SQL

# (table, column, maximum length, translated: a jsonb of the languages)
LIMITS = [
    ("customer_tier", "code", 16, False),
    ("customer_tier", "name", 128, True),
    ("customer_touchpoint_type", "name", 128, True),
    ("customer_touchpoint", "summary", 256, False),
    ("customer_followup_campaign", "name", 128, False),
    ("customer_followup_campaign", "partner_domain", 10000, False),
    ("customer_followup_campaign_template", "name", 128, True),
    ("customer_followup_campaign_template", "custom", 256, True),
    ("customer_product_registration", "serial", 64, False),
    ("customer_product_registration", "note", 2000, False),
]


def _has_column(cr, table, column):
    cr.execute(
        """
        SELECT 1
          FROM information_schema.columns
         WHERE table_schema = current_schema()
           AND table_name = %s
           AND column_name = %s
        """,
        [table, column],
    )
    return bool(cr.fetchone())


def migrate(cr, version):
    if not version:
        return
    for table, column, length, translated in LIMITS:
        if not _has_column(cr, table, column):
            continue
        if translated:
            query = SQL(
                "UPDATE %(table)s t "
                "SET %(column)s = (SELECT jsonb_object_agg(key, "
                "left(value, %(length)s)) FROM jsonb_each_text(t.%(column)s)) "
                "WHERE EXISTS (SELECT 1 FROM jsonb_each_text(t.%(column)s) "
                "WHERE char_length(value) > %(length)s)",
                table=SQL.identifier(table),
                column=SQL.identifier(column),
                length=length,
            )
        else:
            query = SQL(
                "UPDATE %(table)s SET %(column)s = left(%(column)s, %(length)s) "
                "WHERE char_length(%(column)s) > %(length)s",
                table=SQL.identifier(table),
                column=SQL.identifier(column),
                length=length,
            )
        cr.execute(query)
