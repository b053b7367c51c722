from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.customer_followup_campaign_piece import PIECE_KINDS
from ..models.customer_followup_orders import attribution_end_sql, confirmed_orders_sql
from ..models.customer_touchpoint_type import CHANNELS
from ..models.shop_day import shop_moment_sql


class CustomerFollowupCampaignReport(models.Model):
    """The response to the campaigns, per piece: handwritten, printed and
    email compared side by side."""

    _name = "customer.followup.campaign.report"
    _description = "Campaign Response"
    _auto = False
    _order = "send_date desc"

    send_date = fields.Date(readonly=True)
    campaign_id = fields.Many2one("customer.followup.campaign", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    tier_id = fields.Many2one("customer.tier", readonly=True)
    touchpoint_type_id = fields.Many2one(
        "customer.touchpoint.type", "Contact", readonly=True
    )
    channel = fields.Selection(CHANNELS, readonly=True)
    kind = fields.Selection(PIECE_KINDS, "How", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    piece_count = fields.Integer("Pieces", readonly=True, aggregator="sum")
    points = fields.Float(
        "Points Spent",
        readonly=True,
        aggregator="sum",
        help="Weight of the pieces done.",
    )
    response_count = fields.Integer("Responses", readonly=True, aggregator="sum")
    response_rate = fields.Float(
        "Response Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the pieces whose customer confirmed an order within the "
        "response window, or an order carrying the campaign.",
    )
    revenue = fields.Float(
        readonly=True,
        aggregator="sum",
        help="Untaxed amount of the customer's orders confirmed within the "
        "response window after the send date, or carrying the campaign.",
    )

    def _query(self):
        send_day = SQL("COALESCE(piece.send_date, campaign.send_date)")
        return SQL(
            """
            SELECT piece.id AS id,
                   COALESCE(piece.send_date, campaign.send_date) AS send_date,
                   piece.campaign_id, piece.partner_id, piece.tier_id,
                   piece.touchpoint_type_id, type.channel, piece.kind,
                   piece.user_id, campaign.company_id,
                   1 AS piece_count,
                   CASE WHEN piece.state = 'done'
                        THEN COALESCE(touchpoint.weight, type.weight)
                        ELSE 0.0 END AS points,
                   CASE WHEN response.orders > 0 THEN 1 ELSE 0 END
                       AS response_count,
                   CASE WHEN response.orders > 0 THEN 100.0 ELSE 0.0 END
                       AS response_rate,
                   COALESCE(response.revenue, 0.0) AS revenue
              FROM customer_followup_campaign_piece piece
              JOIN customer_followup_campaign campaign
                ON campaign.id = piece.campaign_id
              JOIN res_company shop ON shop.id = campaign.company_id
              JOIN customer_touchpoint_type type
                ON type.id = piece.touchpoint_type_id
         LEFT JOIN customer_touchpoint touchpoint
                ON touchpoint.id = piece.touchpoint_id
         LEFT JOIN LATERAL (
                    SELECT COUNT(*) AS orders,
                           SUM(sale.amount_untaxed) AS revenue
                      FROM (%(confirmed)s) sale
                     WHERE sale.customer_id = piece.partner_id
                       AND (
                            (sale.date_order >= %(start)s
                             AND sale.date_order < %(end)s)
                            OR (campaign.utm_campaign_id IS NOT NULL
                                AND sale.campaign_id = campaign.utm_campaign_id)
                       )
                   ) response ON TRUE
             WHERE piece.state != 'cancelled'
            """,
            confirmed=confirmed_orders_sql(),
            start=shop_moment_sql(send_day, SQL("shop.followup_tz")),
            end=attribution_end_sql(
                send_day, SQL("campaign.response_days"), SQL("shop.followup_tz")
            ),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
