"""19.0.1.1.0: every value has a range, enforced by CHECK constraints; portal
registrations are unique; the record rules follow one rule set.

Before the new constraints are added: values out of range are brought to the
nearest allowed value (and missing required numbers to their default), the
duplicate registrations entered by hand or in the portal are retired (the
oldest stays)."""

from odoo.tools import SQL

# (table, column, lowest, highest, default when NULL or None to leave NULL)
RANGES = [
    ("customer_touchpoint_type", "weight", 0.1, 100.0, 1.0),
    ("customer_touchpoint_type", "capacity_per_user_month", 0, 10000, 0),
    ("customer_touchpoint_type", "sequence", 0, 1000000, None),
    ("customer_touchpoint_type", "color", 0, 11, None),
    ("customer_touchpoint", "weight", 0.1, 100.0, None),
    ("customer_touchpoint", "date", "1900-01-01", "2200-12-31", None),
    ("customer_tier", "min_score", 0.0, 100.0, 0.0),
    ("customer_tier", "cadence_days", 0, 3660, 0),
    ("customer_tier", "yearly_points_target", 0.0, 10000.0, 0.0),
    ("customer_tier", "sequence", 0, 1000000, None),
    ("customer_tier", "color", 0, 11, None),
    ("res_company", "followup_window_months", 1, 120, 24),
    ("res_company", "followup_weight_recency", 0.0, 100.0, 30.0),
    ("res_company", "followup_weight_frequency", 0.0, 100.0, 25.0),
    ("res_company", "followup_weight_monetary", 0.0, 100.0, 25.0),
    ("res_company", "followup_weight_margin", 0.0, 100.0, 20.0),
    ("res_company", "followup_strategic_bonus", 0.0, 100.0, 30.0),
    ("res_company", "followup_horizon_days", 0, 365, 7),
    ("product_consumable_rule", "interval_months", 1, 240, 24),
    ("product_consumable_rule", "window_months", 0, 120, 6),
    ("product_consumable_rule", "lead_days", 0, 365, 30),
    ("product_consumable_rule", "quantity", 0.01, 10000.0, 1.0),
    ("customer_product_registration", "quantity", 0.01, 10000.0, 1.0),
    (
        "customer_product_registration",
        "purchase_date",
        "1900-01-01",
        "2200-12-31",
        None,
    ),
    ("customer_replacement", "cycle", 1, 1000, None),
    ("customer_replacement", "start_date", "1900-01-01", "2200-12-31", None),
    ("customer_replacement", "due_date", "1900-01-01", "2200-12-31", None),
    ("customer_replacement", "remind_date", "1900-01-01", "2200-12-31", None),
]


def clamp_values(cr):
    for table, column, low, high, default in RANGES:
        cr.execute(
            SQL(
                "UPDATE %(table)s SET %(column)s = GREATEST(%(low)s, "
                "LEAST(%(high)s, %(column)s)) "
                "WHERE %(column)s < %(low)s OR %(column)s > %(high)s",
                table=SQL.identifier(table),
                column=SQL.identifier(column),
                low=low,
                high=high,
            )
        )
        if default is not None:
            cr.execute(
                SQL(
                    "UPDATE %s SET %s = %s WHERE %s IS NULL",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    default,
                    SQL.identifier(column),
                )
            )


def retire_duplicate_registrations(cr):
    cr.execute(
        """
        WITH ranked AS (
            SELECT id,
                   ROW_NUMBER() OVER (
                       PARTITION BY partner_id, product_id,
                                    COALESCE(serial, purchase_date::text)
                       ORDER BY id) AS rank
              FROM customer_product_registration
             WHERE state != 'retired' AND sale_line_id IS NULL
        ), retired AS (
            UPDATE customer_product_registration r
               SET state = 'retired'
              FROM ranked
             WHERE ranked.id = r.id AND ranked.rank > 1
         RETURNING r.id
        )
        UPDATE customer_replacement c
           SET state = 'cancelled'
          FROM retired
         WHERE c.registration_id = retired.id
           AND c.state IN ('planned', 'reminded')
        """
    )


def migrate(cr, version):
    if not version:
        return
    clamp_values(cr)
    retire_duplicate_registrations(cr)
