"""The lift rule of the order history: two things go together when the
customers who have both are at least MIN_LIFT times as many as chance would
give (the customers who have the first, times the share of all customers who
have the second). What everybody buys (towels) goes with everything by
chance, and is no part and no companion."""

from odoo.tools import SQL

MIN_LIFT = 2


def lift_holds_sql(together, first, second, everyone):
    """SQL condition: ``together`` customers have both, ``first`` and
    ``second`` have each, of ``everyone`` (all SQL counts)."""
    return SQL(
        "(%s) * (%s) >= %s * (%s) * (%s)", together, everyone, MIN_LIFT, first, second
    )
