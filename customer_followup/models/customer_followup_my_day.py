from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .customer_followup_call_outcome_touchpoint import OUTCOME_CHANNELS
from .customer_followup_orders import confirmed_orders_sql, open_quotations_sql

KINDS = [
    ("followup", "Planned follow-up"),
    ("campaign", "Campaign card"),
    ("reminder", "Replacement reminder"),
    ("contact", "Scheduled contact"),
    ("reorder", "Late to reorder"),
]


class CustomerFollowupMyDay(models.Model):
    """My Day: the contacts due today or overdue, of every kind, one line
    each, most important first: the open activities of the follow-ups,
    campaign cards, replacement reminders and contacts scheduled on
    customers, and the customers late to reorder whom no contact is planned
    for. A view over the live tables, read set-based: the record rules and
    the list's filters reach the activities' and customers' indexes."""

    _name = "customer.followup.my.day"
    _description = "My Day"
    _auto = False
    _order = (
        "overdue_days desc, tier_sequence, strategic desc, value_at_stake desc, "
        "date_due, id"
    )
    _rec_name = "partner_id"
    # what the query reads: flushed before it runs
    _depends = {
        "mail.activity": [
            "active",
            "date_deadline",
            "res_model",
            "res_id",
            "user_id",
            "activity_type_id",
            "summary",
            "followup_planned",
        ],
        "customer.followup.campaign.piece": ["activity_id"],
        "customer.replacement": ["quotation_id", "lead_id", "state"],
        "customer.touchpoint.type": ["activity_type_id", "active"],
        "customer.reorder.interval": [
            "partner_id",
            "reorder_state",
            "late_date",
            "company_id",
        ],
        "res.partner": [
            "active",
            "user_id",
            "company_id",
            "commercial_partner_id",
            "followup_tier_id",
            "followup_strategic",
        ],
        "customer.tier": ["sequence"],
        "sale.order": [
            "partner_id",
            "state",
            "amount_untaxed",
            "currency_rate",
            "date_order",
            "company_id",
        ],
        "crm.lead": ["partner_id"],
    }

    kind = fields.Selection(KINDS, readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    activity_id = fields.Many2one("mail.activity", readonly=True)
    activity_type_id = fields.Many2one("mail.activity.type", readonly=True)
    summary = fields.Char(readonly=True)
    date_due = fields.Date("Due", readonly=True)
    overdue_days = fields.Integer("Days Overdue", readonly=True, aggregator="max")
    tier_id = fields.Many2one("customer.tier", readonly=True)
    tier_sequence = fields.Integer(readonly=True, aggregator=None)
    strategic = fields.Boolean("Strategic Customer", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    value_at_stake = fields.Monetary(
        readonly=True,
        aggregator="sum",
        help="The customer's confirmed orders of the last twelve months and "
        "its open quotations, untaxed, in the company's currency.",
    )

    @property
    def _table_query(self):
        return self._my_day_query(self.env.company._followup_today())

    @api.model
    def _my_day_query(self, today):
        since = self.env.company._followup_moment(today - relativedelta(months=12))
        return SQL(
            """
            SELECT line.id, line.kind, line.partner_id, line.user_id,
                   COALESCE(p.company_id, line.company_id) AS company_id,
                   line.activity_id, line.activity_type_id, line.summary,
                   line.date_due,
                   GREATEST(%(today)s::date - line.date_due, 0) AS overdue_days,
                   p.followup_tier_id AS tier_id,
                   COALESCE(tier.sequence, 1000000) AS tier_sequence,
                   COALESCE(p.followup_strategic, FALSE) AS strategic,
                   COALESCE(bought.amount, 0) + COALESCE(quoted.amount, 0)
                       AS value_at_stake
              FROM (%(activities)s UNION ALL %(reorders)s) line
              JOIN res_partner p ON p.id = line.partner_id
         LEFT JOIN customer_tier tier ON tier.id = p.followup_tier_id
         LEFT JOIN LATERAL (
                   SELECT SUM(so.amount_company) AS amount
                     FROM (%(confirmed)s) so
                    WHERE so.customer_id = p.id AND so.date_order >= %(since)s
                   ) bought ON TRUE
         LEFT JOIN LATERAL (
                   SELECT SUM(q.amount_company) AS amount
                     FROM (%(quotations)s) q
                    WHERE q.customer_id = p.id
                   ) quoted ON TRUE
            """,
            today=today,
            since=since,
            activities=self._activities_query(today),
            reorders=self._reorders_query(),
            confirmed=confirmed_orders_sql(),
            quotations=open_quotations_sql(per_customer=True),
        )

    @api.model
    def _activities_query(self, today):
        """The open activities due by ``today`` that are contacts with a
        customer (even ids)."""
        return SQL(
            """
            SELECT a.id * 2 AS id, a.kind, a.partner_id, a.user_id,
                   NULL::integer AS company_id, a.id AS activity_id,
                   a.activity_type_id, a.summary, a.date_deadline AS date_due
              FROM (
                SELECT a.id, a.user_id, a.activity_type_id, a.summary,
                       a.date_deadline,
                       CASE a.res_model
                           WHEN 'res.partner' THEN (
                               SELECT c.commercial_partner_id FROM res_partner c
                                WHERE c.id = a.res_id)
                           WHEN 'sale.order' THEN (
                               SELECT c.commercial_partner_id FROM sale_order so
                                 JOIN res_partner c ON c.id = so.partner_id
                                WHERE so.id = a.res_id)
                           ELSE (
                               SELECT c.commercial_partner_id FROM crm_lead l
                                 JOIN res_partner c ON c.id = l.partner_id
                                WHERE l.id = a.res_id)
                       END AS partner_id,
                       CASE
                           WHEN a.followup_planned THEN 'followup'
                           WHEN EXISTS (
                               SELECT 1 FROM customer_followup_campaign_piece pc
                                WHERE pc.activity_id = a.id) THEN 'campaign'
                           WHEN a.res_model = 'sale.order' AND EXISTS (
                               SELECT 1 FROM customer_replacement cy
                                WHERE cy.quotation_id = a.res_id
                                  AND cy.state = 'reminded') THEN 'reminder'
                           WHEN a.res_model = 'crm.lead' AND EXISTS (
                               SELECT 1 FROM customer_replacement cy
                                WHERE cy.lead_id = a.res_id
                                  AND cy.state = 'reminded') THEN 'reminder'
                           WHEN a.res_model = 'res.partner' AND EXISTS (
                               SELECT 1 FROM customer_touchpoint_type tt
                                WHERE tt.activity_type_id = a.activity_type_id
                                  AND tt.active) THEN 'contact'
                       END AS kind
                  FROM mail_activity a
                 WHERE a.active
                   AND a.date_deadline <= %(today)s
                   AND a.res_model IN ('res.partner', 'sale.order', 'crm.lead')
              ) a
             WHERE a.kind IS NOT NULL AND a.partner_id IS NOT NULL
            """,
            today=today,
        )

    @api.model
    def _reorders_query(self):
        """The customers late to reorder a regular product whom no contact
        is planned for: no open activity on the customer (odd ids)."""
        return SQL(
            """
            SELECT p.id * 2 + 1 AS id, 'reorder' AS kind, p.id AS partner_id,
                   p.user_id, MIN(ri.company_id) AS company_id,
                   NULL::integer AS activity_id,
                   NULL::integer AS activity_type_id, NULL::varchar AS summary,
                   MIN(ri.late_date) AS date_due
              FROM customer_reorder_interval ri
              JOIN res_partner p ON p.id = ri.partner_id
             WHERE ri.reorder_state = 'late'
               AND p.active
               AND NOT EXISTS (
                   SELECT 1 FROM mail_activity a
                    WHERE a.res_model = 'res.partner' AND a.res_id = p.id
                      AND a.active)
          GROUP BY p.id, p.user_id
            """
        )

    outcome_asked = fields.Boolean(
        compute="_compute_outcome_asked",
        help="A call or a visit: logged with its outcome.",
    )

    @api.depends("kind", "activity_type_id")
    def _compute_outcome_asked(self):
        types = self.env["customer.touchpoint.type"].search(
            [("activity_type_id", "in", self.activity_type_id.ids)]
        )
        channel = {t.activity_type_id.id: t.channel for t in types}
        for line in self:
            line.outcome_asked = (
                line.kind == "reorder"
                or channel.get(line.activity_type_id.id) in OUTCOME_CHANNELS
            )

    def action_log_outcome(self):
        self.ensure_one()
        self.check_access("read")
        return self.env["customer.followup.call.outcome.wizard"]._action_open(
            self.partner_id, self.activity_id
        )

    def action_open_customer(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_open_document(self):
        """The record the activity is on (quotation, opportunity, customer)."""
        self.ensure_one()
        self.check_access("read")
        activity = self.activity_id
        if not activity:
            return self.action_open_customer()
        return {
            "type": "ir.actions.act_window",
            "res_model": activity.res_model,
            "res_id": activity.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
