"""The order history: a customer's confirmed orders, the one rule every
feature reads them by (tiers, customer since, reorder intervals, rule
suggestions, the effect, control and campaign reports, replacement cycles,
the planner's last order).

An order belongs to the commercial partner of its buyer (a contact of a
company orders for the company), counts once confirmed (state ``sale``) and
falls on its shop's day (see shop_day.py).

An order is credited to a contact when it is placed from the contact's moment
to the end of the N-th shop day after the contact's day (``attribution_end_sql``):
the effect report with the company's attribution window, a campaign with its
own response window.
"""

from datetime import timedelta

from odoo import api, models
from odoo.fields import Domain
from odoo.tools import SQL

from .shop_day import shop_date_sql, shop_moment_sql


def confirmed_orders_sql(*extra_columns):
    """SQL of a relation of the confirmed sale orders, one row per order:
    ``id``, ``company_id``, ``customer_id`` (the commercial partner of the
    buyer), ``buyer_id``, ``date_order`` (UTC), ``day`` (the shop's day of
    the order), ``tz`` (the shop's timezone), ``amount_untaxed``,
    ``amount_company`` (untaxed, in the company's currency), ``campaign_id``
    (UTM), and the ``extra_columns`` of sale_order (e.g. "margin").

    Use it as ``FROM (%s) so``: PostgreSQL flattens it, so a column a query
    does not read costs nothing."""
    extra = SQL("").join(
        SQL(", so.%s", SQL.identifier(column)) for column in extra_columns
    )
    return SQL(
        """
        SELECT so.id, so.company_id, buyer.commercial_partner_id AS customer_id,
               so.partner_id AS buyer_id, so.date_order,
               %(day)s AS day, shop.followup_tz AS tz,
               so.amount_untaxed,
               so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)
                   AS amount_company,
               so.campaign_id%(extra)s
          FROM sale_order so
          JOIN res_partner buyer ON buyer.id = so.partner_id
     LEFT JOIN res_company shop ON shop.id = so.company_id
         WHERE so.state = 'sale'
        """,
        day=shop_date_sql(SQL("so.date_order"), SQL("shop.followup_tz")),
        extra=extra,
    )


OPEN_QUOTATION_STATES = ("draft", "sent")


def open_quotations_sql(per_customer=False):
    """SQL of a relation of the open quotations (draft or sent), one row per
    quotation: ``id``, ``company_id``, ``customer_id`` (the commercial partner
    of the buyer), ``buyer_id``, ``amount_company`` (untaxed, in the
    company's currency). Filter it by ``customer_id``.

    ``per_customer``: for a filter on one customer at a time (a lateral
    join), the open states are joined instead of listed. A filter on the
    listed states matches the state index, and where the statistics have not
    seen the reminders' new quotations yet (few among many orders) the
    planner reads every open quotation of the database for each customer
    (My Day at a million customers: 120 s); joined, it reads the customer's
    own orders."""
    states = SQL("ARRAY[%s]::varchar[]", SQL(", ").join(OPEN_QUOTATION_STATES))
    if per_customer:
        source = SQL(
            """res_partner buyer
          JOIN unnest(%s) AS open(state) ON TRUE
          JOIN sale_order q ON q.partner_id = buyer.id AND q.state = open.state""",
            states,
        )
    else:
        source = SQL(
            """sale_order q
          JOIN res_partner buyer ON buyer.id = q.partner_id
         WHERE q.state = ANY(%s)""",
            states,
        )
    return SQL(
        """
        SELECT q.id, q.company_id, buyer.commercial_partner_id AS customer_id,
               q.partner_id AS buyer_id,
               q.amount_untaxed / COALESCE(NULLIF(q.currency_rate, 0), 1)
                   AS amount_company
          FROM %s
        """,
        source,
    )


def attribution_end_sql(contact_day, days, tz):
    """SQL of the UTC moment at which the attribution window of a contact made
    on the shop's day ``contact_day`` ends: the end of the ``days``-th shop
    day after it (all SQL; ``tz`` the shop's timezone). The window starts at
    the contact itself: an order placed before it was not caused by it."""
    return shop_moment_sql(SQL("(%s) + (%s) + 1", contact_day, days), tz)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model
    def _followup_confirmed_domain(self, customers=None, since=None, until=None):
        """Domain of the confirmed orders of the commercial ``customers`` (all
        if None) placed from the shop's day ``since`` through the shop's day
        ``until`` (both included, either may be None), in the current
        company's timezone."""
        domain = Domain("state", "=", "sale")
        if customers is not None:
            domain &= Domain(
                "partner_id.commercial_partner_id",
                "in",
                customers.commercial_partner_id.ids,
            )
        company = self.env.company
        if since:
            domain &= Domain("date_order", ">=", company._followup_moment(since))
        if until:
            domain &= Domain(
                "date_order",
                "<",
                company._followup_moment(until + timedelta(days=1)),
            )
        return domain
